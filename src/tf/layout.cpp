#include "tf/layout.hpp"

#include <algorithm>

namespace loopcert {

int RowBlock::row(int i) const {
  if (i < 0 || i >= size)
    throw LayoutError("row " + std::to_string(i) + " outside block '" + name + "' of " + std::to_string(size) + " rows");
  return offset + i;
}

Layout::Layout(int scratch, int memory, int commands) {
  if (scratch < 1) throw LayoutError("layout needs at least one scratchpad column");
  if (memory < 1) throw LayoutError("layout needs at least one memory column");
  if (commands < 1) throw LayoutError("layout needs at least one command column");
  scratch_ = {0, scratch};
  memory_ = {scratch, scratch + memory};
  commands_ = {scratch + memory, scratch + memory + commands};
}

const RowBlock& Layout::add(const std::string& name, int size) { return add_at(name, rows_, size); }

const RowBlock& Layout::add_at(const std::string& name, int offset, int size) {
  if (size < 1) throw LayoutError("row block '" + name + "' must have at least one row");
  if (offset < 0) throw LayoutError("row block '" + name + "' has a negative offset");
  if (has(name)) throw LayoutError("row block '" + name + "' is defined twice");
  for (const auto& b : blocks_)
    if (offset < b.end() && b.offset < offset + size)
      throw LayoutError("row block '" + name + "' [" + std::to_string(offset) + ", " + std::to_string(offset + size) +
                        ") overlaps '" + b.name + "' [" + std::to_string(b.offset) + ", " + std::to_string(b.end()) + ")");
  blocks_.push_back({name, offset, size});
  rows_ = std::max(rows_, offset + size);
  return blocks_.back();
}

bool Layout::has(std::string_view name) const {
  return std::any_of(blocks_.begin(), blocks_.end(), [&](const RowBlock& b) { return b.name == name; });
}

const RowBlock& Layout::block(std::string_view name) const {
  for (const auto& b : blocks_)
    if (b.name == name) return b;
  throw LayoutError("no row block named '" + std::string(name) + "' in the layout");
}

std::string Layout::describe_row(int row) const {
  for (const auto& b : blocks_)
    if (row >= b.offset && row < b.end())
      return b.size == 1 ? b.name : b.name + "[" + std::to_string(row - b.offset) + "]";
  return "row " + std::to_string(row);
}

int Layout::address_bits() const {
  int bits = 1;
  while ((1 << bits) < columns()) ++bits;
  return bits;
}

std::string Layout::describe_column(int column) const {
  if (scratch_.contains(column)) return "scratch " + std::to_string(column);
  if (memory_.contains(column)) return "mem " + std::to_string(column - memory_.begin) + " (column " + std::to_string(column) + ")";
  if (commands_.contains(column)) return "cmd " + std::to_string(column - commands_.begin) + " (column " + std::to_string(column) + ")";
  return "column " + std::to_string(column);
}

}  // namespace loopcert
