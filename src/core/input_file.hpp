// Reading a whole input file (a .sq program, an official CSV) for the parsers.
#pragma once
#include <string>

namespace loopcert {

// A UTF-8 byte-order mark (EF BB BF) at the start of a file is dropped by every reader of
// files (.sq, .fq, the CSV pair, tables), so an editor that writes one changes nothing.
// Columns in messages count from after it, as editors show them.
inline void drop_byte_order_mark(std::string& text) {
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
}

// The contents of `path`. A directory, a file that cannot be opened and a read that
// fails are InputErrors naming the path ("is a directory", "cannot read file: ..."),
// each ending in "(expected EXPECTED)", e.g. "a readable .sq file".
std::string read_input_file(const std::string& path, const std::string& expected);

}  // namespace loopcert
