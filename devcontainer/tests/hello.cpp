// Smoke test: a C++20 program (concepts, ranges, std::format-free so every supported library builds it).
#include <concepts>
#include <cstdio>
#include <numeric>
#include <vector>

template <std::integral T>
T sum(const std::vector<T>& values) { return std::accumulate(values.begin(), values.end(), T{}); }

int main() {
    std::printf("hello from C++20: %d\n", sum(std::vector<int>{1, 2, 3}));
}
