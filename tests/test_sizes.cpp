// Issue 9's size rule, kept: no function in src/ over kMaxFunctionLines lines and no file
// over kMaxFileLines. Functions are found by a brace counter over the text with comments
// and string literals removed: a `{` whose head (the text since the last `;`, `{` or `}`)
// ends in `)` and qualifiers opens a function unless the head is a control statement;
// functions inside functions (lambdas) count as part of the outer one.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

constexpr int kMaxFunctionLines = 80;
constexpr int kMaxFileLines = 500;

// The text with comments, string and character literals replaced by nothing (raw strings
// too); newlines are kept so that line numbers stay.
std::string strip(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  auto keep_newlines = [&](std::size_t from, std::size_t to) {
    for (std::size_t k = from; k < to && k < s.size(); ++k)
      if (s[k] == '\n') out += '\n';
  };
  while (i < s.size()) {
    if (s.compare(i, 2, "//") == 0) {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (s.compare(i, 2, "/*") == 0) {
      const std::size_t end = s.find("*/", i + 2);
      const std::size_t stop = end == std::string::npos ? s.size() : end + 2;
      keep_newlines(i, stop);
      i = stop;
    } else if (s.compare(i, 2, "R\"") == 0 && (i == 0 || !std::isalnum(static_cast<unsigned char>(s[i - 1])))) {
      const std::size_t open = s.find('(', i);
      const std::string close = ")" + s.substr(i + 2, open - i - 2) + "\"";
      const std::size_t end = s.find(close, open);
      const std::size_t stop = end == std::string::npos ? s.size() : end + close.size();
      keep_newlines(i, stop);
      out += "\"\"";
      i = stop;
    } else if (s[i] == '"' || (s[i] == '\'' && !(i > 0 && std::isxdigit(static_cast<unsigned char>(s[i - 1]))))) {
      // (a ' after a digit is a digit separator: 1'000)
      const char quote = s[i++];
      while (i < s.size() && s[i] != quote && s[i] != '\n') i += s[i] == '\\' ? 2 : 1;
      ++i;
      out += quote;
      out += quote;
    } else {
      out += s[i++];
    }
  }
  return out;
}

struct LongFunction {
  int line = 0, lines = 0;
};

// Top-level functions (not counting lambdas inside them) longer than `limit` lines.
std::vector<LongFunction> long_functions(const std::string& source, int limit) {
  static const std::regex function_head(R"(\)\s*(const|noexcept|override|final|mutable|->[^;{]*|\s)*$)");
  static const std::regex scope_head(R"(\b(namespace|struct|class|enum|union)\b[^;{}()]*$)");
  static const std::regex control_head(R"(\b(if|for|while|switch|catch)\s*\(.*\)\s*$)");
  struct Open {
    bool function;
    int line;
    bool inside_function;
  };
  std::vector<Open> stack;
  std::vector<LongFunction> out;
  std::string head;
  int line = 1;
  for (const char c : strip(source)) {
    if (c == '\n') ++line;
    if (c == '{') {
      const std::string tail = head.size() > 300 ? head.substr(head.size() - 300) : head;
      const std::string last_line = tail.substr(tail.find_last_of('\n') == std::string::npos ? 0 : tail.find_last_of('\n') + 1);
      const bool function = std::regex_search(tail, function_head) && !std::regex_search(tail, scope_head) &&
                            !std::regex_search(last_line, control_head);
      bool inside = false;
      for (const auto& o : stack) inside = inside || o.function;
      stack.push_back({function, line, inside});
      head.clear();
    } else if (c == '}') {
      if (!stack.empty()) {
        const Open o = stack.back();
        stack.pop_back();
        if (o.function && !o.inside_function && line - o.line > limit) out.push_back({o.line, line - o.line});
      }
      head.clear();
    } else if (c == ';') {
      head.clear();
    } else {
      head += c;
    }
  }
  return out;
}

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string body_of(int lines) {
  std::string body;
  for (int i = 0; i < lines; ++i) body += "  x += " + std::to_string(i) + ";\n";
  return body;
}

}  // namespace

TEST_CASE("sizes: no function in src/ over 80 lines, no file over 500", "[layers][sizes]") {
  const fs::path src = fs::path(LOOPCERT_SOURCE_DIR) / "src";
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(src)) {
    const auto ext = entry.path().extension();
    if (!entry.is_regular_file() || (ext != ".hpp" && ext != ".cpp")) continue;
    ++files;
    const std::string text = read(entry.path());
    const std::string name = fs::relative(entry.path(), src).generic_string();
    const long lines = std::count(text.begin(), text.end(), '\n');
    INFO(name << ": " << lines << " lines");
    CHECK(lines <= kMaxFileLines);
    for (const auto& f : long_functions(text, kMaxFunctionLines)) {
      INFO(name << ":" << f.line << ": a function of " << f.lines << " lines (split it into named steps)");
      CHECK(f.lines <= kMaxFunctionLines);
    }
  }
  CHECK(files > 100);  // the tree was found
}

TEST_CASE("sizes: the function counter finds a long function and passes short ones", "[layers][sizes][negative]") {
  // A long free function, a long member function with an initialiser list, and one whose
  // length is hidden in a lambda: each is found.
  CHECK(long_functions("int f(int x) {\n" + body_of(90) + "  return x;\n}\n", 80).size() == 1);
  CHECK(long_functions("struct S {\n  S() : x(0) {\n" + body_of(85) + "  }\n  int x;\n};\n", 80).size() == 1);
  CHECK(long_functions("void g() {\n  auto h = [&](int y) {\n" + body_of(85) + "  };\n}\n", 80).size() == 1);
  // Not functions, or short: a namespace, a struct, control blocks, braces inside strings
  // and comments.
  const std::string short_fn = "void k() {\n  if (a) {\n" + body_of(30) + "  }\n  for (;;) {\n" + body_of(30) + "  }\n}\n";
  CHECK(long_functions("namespace n {\n" + short_fn + short_fn + short_fn + "}\n", 80).empty());
  CHECK(long_functions("struct T {\n" + body_of(100) + "};\n", 80).empty());
  CHECK(long_functions("void m() {\n  const char* s = \"}\";\n  // }\n  /* { */\n" + body_of(10) + "}\n" + body_of(100), 80).empty());
  // The line count: exactly at the limit passes, one over fails.
  CHECK(long_functions("void p() {\n" + body_of(79) + "}\n", 80).empty());
  CHECK(long_functions("void p() {\n" + body_of(80) + "}\n", 80).size() == 1);
}
