#include "report/markdown.hpp"

#include <stdexcept>

namespace loopcert::report {

namespace {

std::string cell(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

std::string line(const std::vector<std::string>& cells) {
  std::string out = "|";
  for (const auto& c : cells) out += " " + cell(c) + " |";
  return out + "\n";
}

struct Span {
  std::size_t body_begin, body_end;
};

Span find_markers(const std::string& document, const std::string& name) {
  const std::string begin = "<!-- BEGIN " + name + " -->", end = "<!-- END " + name + " -->";
  const auto b = document.find(begin);
  if (b == std::string::npos) throw std::invalid_argument("marker '" + begin + "' not found");
  const auto e = document.find(end, b);
  if (e == std::string::npos) throw std::invalid_argument("marker '" + end + "' not found after its BEGIN");
  std::size_t body = b + begin.size();
  if (body < document.size() && document[body] == '\n') ++body;
  return {body, e};
}

}  // namespace

std::string MarkdownTable::str() const {
  std::string out = line(header);
  out += "|";
  for (std::size_t i = 0; i < header.size(); ++i)
    out += (i < right_aligned.size() && right_aligned[i]) ? " ---: |" : " --- |";
  out += "\n";
  for (const auto& r : rows) {
    if (r.size() != header.size())
      throw std::logic_error("markdown row of " + std::to_string(r.size()) + " cells under a header of " + std::to_string(header.size()));
    out += line(r);
  }
  return out;
}

std::string replace_between_markers(const std::string& document, const std::string& name, const std::string& body) {
  const Span s = find_markers(document, name);
  return document.substr(0, s.body_begin) + body + document.substr(s.body_end);
}

std::string between_markers(const std::string& document, const std::string& name) {
  const Span s = find_markers(document, name);
  return document.substr(s.body_begin, s.body_end - s.body_begin);
}

}  // namespace loopcert::report
