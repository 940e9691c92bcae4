// The one error type for bad input files and flags: it names where the problem is,
// in the `FILE:LINE:COL: error: MESSAGE` form that editors and compilers use.
#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace loopcert {

// Longest excerpt of user text a message quotes (before the "..." that marks a cut).
inline constexpr std::size_t kExcerptLimit = 40;

// User text (a token, field or line) as a message may quote it. Input files can hold
// anything: a 3 MB field would flood the terminal, and a NUL byte would end the message
// early (what() is a C string), so the excerpt keeps at most kExcerptLimit characters,
// then "...", and writes every byte outside printable ASCII as \xNN. Printable text up
// to the limit comes back unchanged, so ordinary messages read as before.
inline std::string excerpt(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string shown;
  for (const char ch : text) {
    const auto byte = static_cast<unsigned char>(ch);
    std::string piece(1, ch);
    if (byte < 0x20 || byte >= 0x7F) piece = {'\\', 'x', kHex[byte >> 4], kHex[byte & 0xF]};
    if (shown.size() + piece.size() > kExcerptLimit) return shown + "...";
    shown += piece;
  }
  return shown;
}

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

}  // namespace loopcert
