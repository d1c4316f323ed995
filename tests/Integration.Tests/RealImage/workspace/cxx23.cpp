// C++23 in both standard libraries: deducing this, std::expected, std::ranges::to, std::print.
#include <expected>
#include <print>
#include <ranges>
#include <string>
#include <vector>

struct Counter {
  int value = 0;
  auto &&bump(this auto &&self) {
    ++self.value;
    return self;
  }
};

std::expected<int, std::string> parse_digit(char c) {
  if (c < '0' || c > '9')
    return std::unexpected(std::string("not a digit: ") + c);
  return c - '0';
}

int main() {
  auto squares = std::views::iota(1, 4) |
                 std::views::transform([](int i) { return i * i; }) |
                 std::ranges::to<std::vector>();
  int sum = 0;
  for (int square : squares)
    sum += square;
  Counter counter;
  counter.bump().bump();
  auto digit = parse_digit('7');
  auto bad = parse_digit('x');
  if (!digit || bad)
    return 1;
  std::println("C++23 ok: squares={} counter={} digit={} error='{}'", sum,
               counter.value, *digit, bad.error());
}
