// libFuzzer target: the sigmoid table reader (core/table_reader.hpp). Any text either
// reads as at least two points whose x increase strictly, exactly and in double, with
// every value a finite double (0 only for 0), or is refused with an
// std::invalid_argument whose message starts with the table's name; nothing else.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "core/table_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto points = loopcert::parse_table(text, "fuzz.tbl");
    if (points.size() < 2) std::abort();
    for (std::size_t i = 0; i < points.size(); ++i) {
      for (const loopcert::Rational* v : {&points[i].x, &points[i].y}) {
        const double d = loopcert::to_double(*v);
        if (!std::isfinite(d) || (d == 0 && *v != 0)) std::abort();
      }
      if (points[i].line < 1) std::abort();
      if (i > 0 && !(points[i - 1].x < points[i].x && loopcert::to_double(points[i - 1].x) < loopcert::to_double(points[i].x)))
        std::abort();
    }
  } catch (const std::invalid_argument& e) {
    if (std::string(e.what()).rfind("fuzz.tbl", 0) != 0) std::abort();
  }
  return 0;
}
