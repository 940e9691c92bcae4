// Reading a whole input file (a .sq program, an official CSV) for the parsers.
#pragma once
#include <string>

namespace loopcert {

// The contents of `path`. A directory, a file that cannot be opened and a read that
// fails are InputErrors naming the path ("is a directory", "cannot read file: ..."),
// each ending in "(expected EXPECTED)", e.g. "a readable .sq file".
std::string read_input_file(const std::string& path, const std::string& expected);

}  // namespace loopcert
