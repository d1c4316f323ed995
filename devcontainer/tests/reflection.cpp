// Smoke test for the P2996 fork: static reflection (^^ and std::meta) compiles with -freflection and runs.
#include <experimental/meta>
#include <cstdio>
#include <string_view>

struct Point { int x; int y; };

constexpr std::string_view type_name = std::meta::identifier_of(^^Point);
static_assert(type_name == "Point");

int main() {
    std::printf("reflected %.*s\n", static_cast<int>(type_name.size()), type_name.data());
}
