// The layers of the source tree (README, "Architecture"): every #include of a file in
// src/ points to its own folder or to a folder below it, and a folder's detail/ is
// private to that folder. Read from the files themselves, so a new upward arrow fails
// here the day it is written.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

// Which top-level folders of src/ each folder may include (itself always).
const std::map<std::string, std::set<std::string>>& allowed() {
  static const std::map<std::string, std::set<std::string>> table = {
      {"core", {}},
      {"tf", {"core"}},
      {"bounds", {"core", "tf"}},  // tf: the FFN rounding bound reads a LayerSpec's weights
      {"approx", {"core"}},
      {"isa", {"core"}},
      {"blocks", {"core", "tf", "approx"}},
      {"compile", {"core", "tf", "bounds", "approx", "isa", "blocks"}},
      {"analysis", {"core", "tf", "bounds", "approx", "isa", "blocks", "compile"}},
      {"cert", {"core", "tf", "bounds", "approx", "isa", "blocks", "compile", "analysis"}},
      {"report", {"core", "tf", "bounds", "approx", "isa", "blocks", "compile", "analysis", "cert"}},
      {"cli", {"core", "tf", "bounds", "approx", "isa", "blocks", "compile", "analysis", "cert", "report"}},
  };
  return table;
}

struct Include {
  std::string from;  // path under src/
  std::string to;    // the included path
  int line;
};

std::vector<Include> project_includes(const fs::path& src) {
  std::vector<Include> out;
  const std::regex include_re(R"re(^\s*#\s*include\s*"([^"]+)")re");
  for (const auto& entry : fs::recursive_directory_iterator(src)) {
    if (!entry.is_regular_file()) continue;
    const auto ext = entry.path().extension();
    if (ext != ".hpp" && ext != ".cpp") continue;
    std::ifstream in(entry.path());
    std::string text;
    int line = 0;
    while (std::getline(in, text)) {
      ++line;
      std::smatch m;
      if (std::regex_search(text, m, include_re))
        out.push_back({fs::relative(entry.path(), src).generic_string(), m[1].str(), line});
    }
  }
  return out;
}

std::string top(const std::string& path) { return path.substr(0, path.find('/')); }

// Arrows known to point up, each with the change that removes it. The test fails if one
// disappears without being struck from this list, so the list cannot go stale.
const std::set<std::string> kPending = {};

// The upward arrows and the detail/ headers used from outside their folder.
std::vector<std::string> violations(const std::vector<Include>& includes) {
  std::vector<std::string> out;
  for (const auto& inc : includes) {
    const std::string where = "src/" + inc.from + ":" + std::to_string(inc.line) + " includes " + inc.to;
    const std::string from = top(inc.from), to = top(inc.to);
    const auto layer = allowed().find(from);
    if (layer == allowed().end()) {
      out.push_back(where + ": folder '" + from + "' has no layer (add it to tests/test_layers.cpp and the README)");
      continue;
    }
    if (to != from && !layer->second.count(to) && !kPending.count(inc.from + " -> " + inc.to)) out.push_back(where + ": '" + from + "' may not depend on '" + to + "'");
    const auto detail = inc.to.find("/detail/");
    if (detail != std::string::npos) {
      const std::string owner = inc.to.substr(0, detail);
      if (inc.from.rfind(owner + "/", 0) != 0) out.push_back(where + ": " + owner + "/detail/ is private to " + owner + "/");
    }
  }
  return out;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

}  // namespace

TEST_CASE("every #include in src/ points down the layers", "[layers]") {
  const auto includes = project_includes(fs::path(LOOPCERT_SOURCE_DIR) / "src");
  REQUIRE(includes.size() > 100);  // the tree was found and read
  const auto bad = violations(includes);
  INFO(joined(bad));
  CHECK(bad.empty());
  for (const auto& arrow : kPending) {
    const auto sep = arrow.find(" -> ");
    const bool present = std::any_of(includes.begin(), includes.end(), [&](const Include& inc) {
      return inc.from == arrow.substr(0, sep) && inc.to == arrow.substr(sep + 4);
    });
    INFO("pending arrow '" << arrow << "' is gone: strike it from kPending");
    CHECK(present);
  }
}

TEST_CASE("the layer check catches an upward arrow and a foreign detail/ header", "[layers]") {
  // Negative check: the rule must be able to fail.
  const std::vector<Include> broken = {
      {"tf/transformer_emulated.cpp", "analysis/lockstep.hpp", 3},
      {"analysis/search.cpp", "blocks/detail/ffn_helpers.hpp", 7},
      {"blocks/read.hpp", "blocks/detail/ffn_helpers.hpp", 2},  // allowed: its own detail/
      {"cli/main.cpp", "core/scalar.hpp", 1},                   // allowed: down
  };
  const auto bad = violations(broken);
  REQUIRE(bad.size() == 2);
  CHECK(bad[0].find("'tf' may not depend on 'analysis'") != std::string::npos);
  CHECK(bad[1].find("blocks/detail/ is private to blocks/") != std::string::npos);
}
