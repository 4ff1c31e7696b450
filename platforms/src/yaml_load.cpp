#include "cimvp/platform/yaml_load.h"

#include "cimvp/platform/config_schema.h"

#include <yaml-cpp/depthguard.h>

#include <algorithm>
#include <vector>

namespace cimvp {

namespace {
[[noreturn]] void too_deep(const std::string& source, std::size_t line, std::size_t col) {
  throw ConfigError(source + (line > 0 ? ":" + std::to_string(line) + ":" + std::to_string(col) : std::string()), "",
                    "YAML nested deeper than " + std::to_string(max_yaml_nesting) +
                        " levels (the nesting limit of cimvp input files)");
}

bool starts_token(char prev) {
  return prev == ' ' || prev == '\t' || prev == '[' || prev == '{' || prev == ',' || prev == ':' || prev == '-' ||
         prev == '\0';
}
}  // namespace

void check_yaml_nesting(std::string_view text, const std::string& source) {
  std::vector<std::size_t> indents;  // block structure: indentation of each open level
  std::size_t flow = 0;              // open [ and {
  char quote = 0;                    // inside a quoted scalar
  std::size_t block_scalar = std::string::npos;  // indentation of a "key: |" line whose content follows
  std::size_t line_no = 0, pos = 0;
  while (pos <= text.size()) {
    const std::size_t eol = std::min(text.find('\n', pos), text.size());
    const std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    std::size_t i = 0;
    std::size_t block_depth = indents.size();
    if (flow == 0 && quote == 0) {
      while (i < line.size() && line[i] == ' ') ++i;
      if (i == line.size() || line[i] == '#' || line[i] == '\r') continue;  // blank or comment
      if (block_scalar != std::string::npos) {
        if (i > block_scalar) continue;  // literal/folded content
        block_scalar = std::string::npos;
      }
      while (!indents.empty() && indents.back() >= i) indents.pop_back();
      indents.push_back(i);
      block_depth = indents.size();
      // compact nesting on one line: "- - - x", "? - x"
      std::size_t j = i;
      while (j + 1 < line.size() && (line[j] == '-' || line[j] == '?') && (line[j + 1] == ' ' || line[j + 1] == '\t')) {
        ++block_depth;
        j += 2;
        while (j < line.size() && line[j] == ' ') ++j;
      }
      if (block_depth > max_yaml_nesting) too_deep(source, line_no, j + 1);
    }
    char prev = i == 0 ? '\0' : line[i - 1];
    char last = 0;  // last non-blank character outside comments
    for (; i < line.size(); prev = line[i], ++i) {
      const char c = line[i];
      if (quote != 0) {
        if (quote == '"' && c == '\\') {
          if (i + 1 < line.size()) ++i;  // the escaped character
          continue;
        }
        if (c == quote) {
          if (quote == '\'' && i + 1 < line.size() && line[i + 1] == '\'') {
            ++i;
            continue;
          }
          quote = 0;
        }
        continue;
      }
      if (c == '#' && (prev == ' ' || prev == '\t' || prev == '\0')) break;
      if ((c == '"' || c == '\'') && starts_token(prev)) {
        quote = c;
        continue;
      }
      if ((c == '[' || c == '{') && starts_token(prev)) {
        ++flow;
        if (block_depth + flow > max_yaml_nesting) too_deep(source, line_no, i + 1);
      } else if ((c == ']' || c == '}') && flow > 0) {
        --flow;
      }
      if (c != ' ' && c != '\t' && c != '\r') last = c;
    }
    if (flow == 0 && quote == 0 && (last == '|' || last == '>')) block_scalar = indents.empty() ? 0 : indents.back();
    if (eol == text.size()) break;
  }
}

void check_yaml_encoding(std::string_view text, const std::string& source) {
  const auto starts = [&](std::string_view bom) { return text.substr(0, bom.size()) == bom; };
  using namespace std::string_view_literals;
  const char* what = nullptr;
  if (starts("\x00\x00\xFE\xFF"sv) || starts("\xFF\xFE\x00\x00"sv))
    what = "starts with a UTF-32 byte-order mark";
  else if (starts("\xFE\xFF"sv) || starts("\xFF\xFE"sv))
    what = "starts with a UTF-16 byte-order mark";
  else if (text.find('\0') != std::string_view::npos)
    what = "contains NUL bytes (UTF-16 or UTF-32 text, or a binary file)";
  if (what != nullptr)
    throw ConfigError(source, "",
                      std::string("not UTF-8 text: the input ") + what +
                          "; cimvp reads YAML as UTF-8 (convert it, e.g. iconv -f UTF-16 -t UTF-8 FILE > NEW)");
}

YAML::Node load_yaml_document(std::string_view text, const std::string& source) {
  check_yaml_encoding(text, source);
  check_yaml_nesting(text, source);
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::DeepRecursion& e) {
    throw ConfigError(source, "", "YAML nested too deeply (" + e.msg + ")");
  } catch (const YAML::Exception& e) {
    const std::string loc = e.mark.line >= 0 ? source + ":" + std::to_string(e.mark.line + 1) + ":" +
                                                   std::to_string(e.mark.column + 1)
                                             : source;
    throw ConfigError(loc, "", "invalid YAML: " + e.msg);
  }
}

}  // namespace cimvp
