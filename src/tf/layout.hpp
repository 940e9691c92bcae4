// Layout: the punchcard's named row blocks and its three column regions.
//
// As in tracr, the residual stream is a sum of named subspaces: every block of the
// construction asks the Layout for rows by name ("mem", "pc", "pos", ...) and never
// computes a row index itself. Duplicate names, overlapping blocks and unknown names
// are errors the moment they happen.
#pragma once
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace loopcert {

struct RowBlock {
  std::string name;
  int offset = 0;  // first row
  int size = 0;    // number of rows
  int row(int i) const;  // offset + i, checked against size
  int end() const { return offset + size; }
};

struct ColumnRegion {
  int begin = 0;
  int end = 0;  // one past the last column
  int size() const { return end - begin; }
  bool contains(int column) const { return column >= begin && column < end; }
};

class LayoutError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

class Layout {
 public:
  // Columns: [0, scratch) scratchpad, [scratch, scratch+memory) memory, the rest commands.
  Layout(int scratch, int memory, int commands);

  // Appends a block of `size` rows under a new name; a duplicate name is an error.
  const RowBlock& add(const std::string& name, int size);
  // Places a block at an explicit offset; a duplicate name or an overlap is an error.
  const RowBlock& add_at(const std::string& name, int offset, int size);

  const RowBlock& block(std::string_view name) const;  // unknown name: LayoutError
  bool has(std::string_view name) const;
  int row(std::string_view name, int i = 0) const { return block(name).row(i); }
  const std::vector<RowBlock>& blocks() const { return blocks_; }
  // The block that owns a row (for messages such as "row mem[3]").
  std::string describe_row(int row) const;

  int rows() const { return rows_; }
  int columns() const { return commands_.end; }
  // Bits of a positional code: ceil(log2 n), at least 1.
  int address_bits() const;
  const ColumnRegion& scratch() const { return scratch_; }
  const ColumnRegion& memory() const { return memory_; }
  const ColumnRegion& commands() const { return commands_; }
  std::string describe_column(int column) const;  // "scratch 0", "mem 3", "cmd 5"

 private:
  std::vector<RowBlock> blocks_;
  int rows_ = 0;
  ColumnRegion scratch_, memory_, commands_;
};

}  // namespace loopcert
