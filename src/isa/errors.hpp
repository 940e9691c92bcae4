// The one error type for bad input files and flags: it names where the problem is,
// in the `FILE:LINE:COL: error: MESSAGE` form that editors and compilers use.
#pragma once
#include <stdexcept>
#include <string>

namespace loopcert::isa {

struct InputError : std::runtime_error {
  std::string file;
  int line;         // 1-based; 0 when the problem concerns the whole file
  int col;          // 1-based; 0 when the problem concerns the whole line
  std::string message;

  InputError(std::string file_, int line_, int col_, std::string message_)
      : std::runtime_error(format(file_, line_, col_, message_)),
        file(std::move(file_)),
        line(line_),
        col(col_),
        message(std::move(message_)) {}

  // "FILE:LINE:COL: error: MESSAGE", dropping the parts that are 0.
  static std::string format(const std::string& file, int line, int col,
                            const std::string& message) {
    std::string where = file;
    if (line > 0) {
      where += ':' + std::to_string(line);
      if (col > 0) where += ':' + std::to_string(col);
    }
    return where + ": error: " + message;
  }
};

}  // namespace loopcert::isa
