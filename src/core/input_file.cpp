#include "core/input_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/input_error.hpp"

namespace loopcert {

std::string read_input_file(const std::string& path, const std::string& expected) {
  const std::string tail = " (expected " + expected + ")";
  // Checked first because opening a directory succeeds on Linux and reading it merely
  // yields nothing, which the parsers would report as "program has no commands" or
  // "missing header".
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw InputError(path, 0, 0, "is a directory" + tail);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError(path, 0, 0, std::string("cannot read file: ") + std::strerror(errno) + tail);
  }
  // istream::read (unlike `out << in.rdbuf()`) sets badbit when the file system
  // reports an error, so a failed read cannot pass for a short file.
  std::string text;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw InputError(path, 0, 0, "cannot read file (read failed)" + tail);
  drop_byte_order_mark(text);
  return text;
}

}  // namespace loopcert
