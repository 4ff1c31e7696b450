#include "cimvp/platform/config_schema.h"

#include "cimvp/platform/units.h"

#include "cimvp/platform/yaml_load.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>
#include <sstream>

namespace cimvp {

// ---------------------------------------------------------------------------------
// ConfigError, ConfigOrigin, CheckContext

namespace {
std::string join_error(const std::string& location, const std::string& key, const std::string& msg) {
  std::string s;
  if (!location.empty()) s += location + ": ";
  if (!key.empty()) s += key + ": ";
  return s + msg;
}
}  // namespace

ConfigError::ConfigError(std::string location, std::string key, std::string message)
    : std::runtime_error(join_error(location, key, message)),
      location_(std::move(location)),
      key_(std::move(key)),
      message_(std::move(message)) {}

std::string ConfigOrigin::location_of(std::string path) const {
  // an override at or under the key first (the user's latest change, e.g. --set
  // address_map[1].base over a base file's item), then the key itself, else something set
  // under it ("address_map[1]" ← "address_map[1].base"), else its closest recorded parent
  for (auto it = where_.lower_bound(path); it != where_.end() && it->first.compare(0, path.size(), path) == 0; ++it)
    if ((it->first.size() == path.size() || it->first[path.size()] == '.' || it->first[path.size()] == '[') &&
        it->second.compare(0, 5, "--set") == 0)
      return it->second;
  if (const auto it = where_.find(path); it != where_.end()) return it->second;
  for (auto it = where_.lower_bound(path); it != where_.end() && it->first.compare(0, path.size(), path) == 0; ++it)
    if (it->first.size() > path.size() && (it->first[path.size()] == '.' || it->first[path.size()] == '['))
      return it->second;
  while (true) {
    const auto it = where_.find(path);
    if (it != where_.end()) return it->second;
    const auto cut = path.find_last_of(".[");
    if (cut == std::string::npos || cut == 0) return {};
    path.resize(cut);
  }
}

void ConfigOrigin::forget(const std::string& path) {
  for (auto it = where_.lower_bound(path); it != where_.end() && it->first.compare(0, path.size(), path) == 0;) {
    const bool under = it->first.size() == path.size() || it->first[path.size()] == '.' || it->first[path.size()] == '[';
    it = under ? where_.erase(it) : std::next(it);
  }
}

void CheckContext::fail(const std::string& key, const std::string& message) const {
  const std::string where = origin_.location_of(key);
  if (user_ != nullptr && user_->location_of(key).empty()) {
    // the key is the base's: locate at a key the message names that the user set, if any
    // (a --set first), so the error points at what the user changed
    const auto key_char = [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '[' || c == ']';
    };
    std::string chosen, chosen_where;
    for (const auto& [path, at] : user_->all()) {
      for (std::size_t pos = message.find(path); pos != std::string::npos; pos = message.find(path, pos + 1)) {
        const std::size_t end = pos + path.size();
        if ((pos > 0 && key_char(message[pos - 1])) || (end < message.size() && key_char(message[end]) &&
                                                        message[end] != '.'))
          continue;
        if (chosen.empty() || (at.compare(0, 5, "--set") == 0 && chosen_where.compare(0, 5, "--set") != 0)) {
          chosen = path;
          chosen_where = at;
        }
        break;
      }
    }
    if (!chosen.empty())
      throw ConfigError(chosen_where, chosen,
                        message + " (" + key + (where.empty() ? std::string() : " is set at " + where) + ")");
  }
  throw ConfigError(where, key, message);
}

// ---------------------------------------------------------------------------------
// KeySpec

KeySpec& KeySpec::one_of(std::vector<std::string> values) {
  type = KeyType::enumeration;
  choices = std::move(values);
  return *this;
}

std::string KeySpec::name() const {
  const auto cut = path.find_last_of('.');
  return cut == std::string::npos ? path : path.substr(cut + 1);
}

std::string KeySpec::type_name() const {
  switch (type) {
    case KeyType::integer: return "int";
    case KeyType::unsigned_integer: return "uint";
    case KeyType::number: return "number";
    case KeyType::time: return "time";
    case KeyType::boolean: return "bool";
    case KeyType::string: return "string";
    case KeyType::enumeration: return "enum";
  }
  return "?";
}

namespace {
template <class T>
std::string bounds_text(const KeySpec& k, T lo, T hi, T type_lo, T type_hi) {
  const bool has_lo = lo != type_lo, has_hi = hi != type_hi;
  const auto text = [&](T v) { return k.format(ConfigValue(v)); };
  if (has_lo && has_hi) return text(lo) + " .. " + text(hi);
  if (has_lo) return ">= " + text(lo);
  if (has_hi) return "<= " + text(hi);
  return {};
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + v[i];
  return s;
}
}  // namespace

std::string KeySpec::range_text() const {
  switch (type) {
    case KeyType::integer: return bounds_text<std::int64_t>(*this, int_min, int_max, type_int_min, type_int_max);
    case KeyType::unsigned_integer: return bounds_text<std::uint64_t>(*this, uint_min, uint_max, 0, type_uint_max);
    case KeyType::number:
    case KeyType::time: {
      const bool has_lo = num_min != -std::numeric_limits<double>::infinity();
      const bool has_hi = num_max != std::numeric_limits<double>::infinity();
      const std::string lo = format_number(num_min), hi = format_number(num_max);
      if (has_lo && has_hi)
        return num_min_exclusive ? "> " + lo + ", <= " + hi : lo + " .. " + hi;
      if (has_lo) return (num_min_exclusive ? "> " : ">= ") + lo;
      if (has_hi) return "<= " + hi;
      return {};
    }
    case KeyType::boolean: return "true, false";
    case KeyType::string: return {};
    case KeyType::enumeration: return join(choices, ", ");
  }
  return {};
}

std::string KeySpec::expectation() const {
  std::string what;
  const std::string range = range_text();
  switch (type) {
    case KeyType::integer:
    case KeyType::unsigned_integer:
      what = type == KeyType::integer ? "an integer" : "an unsigned integer";
      if (range.find("..") != std::string::npos) what += " in " + range;
      else if (!range.empty()) what += " " + range;
      break;
    case KeyType::number:
    case KeyType::time:
      what = "a number";
      if (range.find("..") != std::string::npos) what += " in " + range;
      else if (!range.empty()) what += " " + range;
      break;
    case KeyType::boolean: return "true or false";
    case KeyType::string: return "a string";
    case KeyType::enumeration: return "one of: " + range;
  }
  if (!unit.empty()) what += " (" + unit + ")";
  return what;
}

std::string KeySpec::format(const ConfigValue& v) const {
  struct Visitor {
    const KeySpec& k;
    std::string operator()(std::int64_t x) const { return std::to_string(x); }
    std::string operator()(std::uint64_t x) const {
      if (k.show_hex) {
        std::ostringstream os;
        os << "0x" << std::hex << x;
        return os.str();
      }
      if (k.unit == "bytes" && x >= 1024) {
        static constexpr std::pair<const char*, unsigned> units[] = {
            {"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}};
        for (const auto& [name, shift] : units)
          if (x % (std::uint64_t{1} << shift) == 0) return std::to_string(x >> shift) + " " + name;
      }
      return std::to_string(x);
    }
    std::string operator()(double x) const { return format_number(x); }
    std::string operator()(bool x) const { return x ? "true" : "false"; }
    std::string operator()(const std::string& x) const { return x; }
  };
  return std::visit(Visitor{*this}, v);
}

std::variant<ConfigValue, std::string> KeySpec::parse(std::string_view text) const {
  const auto bad = [&] { return "expected " + expectation() + ", got \"" + shown(text) + "\""; };
  switch (type) {
    case KeyType::integer: {
      const auto v = parse_int(text);
      if (v && ((*v < type_int_min && int_min == type_int_min) || (*v > type_int_max && int_max == type_int_max)))
        return bad() + " (out of range " + std::to_string(type_int_min) + " .. " + std::to_string(type_int_max) + ")";
      if (!v || *v < int_min || *v > int_max) return bad();
      return ConfigValue(*v);
    }
    case KeyType::unsigned_integer: {
      const auto v = parse_uint(text, unit == "bytes");
      if (v && *v > type_uint_max && uint_max == type_uint_max) return bad() + " (too large: at most " + std::to_string(type_uint_max) + ")";
      if (!v || *v < uint_min || *v > uint_max) return bad();
      return ConfigValue(*v);
    }
    case KeyType::number:
    case KeyType::time: {
      const auto v = type == KeyType::time ? parse_time_ns(text) : parse_number(text);
      if (v && type == KeyType::time) {
        const std::string problem = time_problem(*v);
        if (!problem.empty()) return bad() + ": " + problem;
      }
      if (!v || *v < num_min || (num_min_exclusive && *v == num_min) || *v > num_max) return bad();
      return ConfigValue(*v);
    }
    case KeyType::boolean: {
      const auto v = parse_bool(text);
      if (!v) return bad();
      return ConfigValue(*v);
    }
    case KeyType::string:
      if (const std::size_t at = invalid_utf8_at(text); at != std::string_view::npos) {
        char byte[8];
        std::snprintf(byte, sizeof byte, "0x%02x", static_cast<unsigned char>(text[at]));
        return "expected UTF-8 text, got the invalid byte " + std::string(byte) + " at offset " +
               std::to_string(at);
      }
      return ConfigValue(std::string(text));
    case KeyType::enumeration:
      if (std::find(choices.begin(), choices.end(), text) == choices.end()) return bad();
      return ConfigValue(std::string(text));
  }
  return bad();
}

const KeySpec* ListSpec::field(std::string_view name) const {
  for (const auto& f : fields)
    if (f.name() == name) return &f;
  return nullptr;
}

// ---------------------------------------------------------------------------------
// SchemaBase: registration and lookup

KeySpec& SchemaBase::new_key(std::string path) {
  if (find_key(path) != nullptr || find_list(path) != nullptr)
    throw std::logic_error("config schema: key '" + path + "' registered twice");
  keys_.emplace_back();
  keys_.back().path = std::move(path);
  order_.push_back({false, keys_.size() - 1});
  return keys_.back();
}

ListSpec& SchemaBase::new_list(std::string path) {
  if (find_key(path) != nullptr || find_list(path) != nullptr)
    throw std::logic_error("config schema: key '" + path + "' registered twice");
  lists_.emplace_back();
  lists_.back().path = std::move(path);
  order_.push_back({true, lists_.size() - 1});
  return lists_.back();
}

void SchemaBase::new_check(std::function<void(const void*, const CheckContext&)> check) {
  checks_.push_back(std::move(check));
}

KeySpec* SchemaBase::find(std::string_view path) {
  for (auto& k : keys_)
    if (k.path == path) return &k;
  for (auto& l : lists_)
    for (auto& f : l.fields)
      if (f.path == path) return &f;
  return nullptr;
}

const KeySpec* SchemaBase::find(std::string_view path) const {
  return const_cast<SchemaBase*>(this)->find(path);
}

const KeySpec* SchemaBase::find_key(std::string_view path) const {
  for (const auto& k : keys_)
    if (k.path == path) return &k;
  return nullptr;
}

const ListSpec* SchemaBase::find_list(std::string_view path) const {
  for (const auto& l : lists_)
    if (l.path == path) return &l;
  return nullptr;
}

namespace {
bool has_prefix(std::string_view s, std::string_view prefix) {
  return s.size() > prefix.size() && s.substr(0, prefix.size()) == prefix && s[prefix.size()] == '.';
}
}  // namespace

bool SchemaBase::is_foreign(std::string_view top_level_key) const {
  return std::find(foreign_.begin(), foreign_.end(), top_level_key) != foreign_.end();
}

bool SchemaBase::is_section(std::string_view path) const {
  for (const auto& k : keys_)
    if (has_prefix(k.path, path)) return true;
  for (const auto& l : lists_)
    if (has_prefix(l.path, path)) return true;
  return false;
}

std::vector<std::string> SchemaBase::all_paths() const {
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto add = [&](const std::string& p) {
    // the path and each section above it
    for (std::size_t cut = p.find('.'); cut != std::string::npos; cut = p.find('.', cut + 1))
      if (seen.insert(p.substr(0, cut)).second) out.push_back(p.substr(0, cut));
    if (seen.insert(p).second) out.push_back(p);
  };
  for (const auto& e : order_) add(e.is_list ? lists_[e.index].path : keys_[e.index].path);
  return out;
}

namespace {
std::size_t hint_threshold(std::size_t length) { return std::max<std::size_t>(1, length / 3); }

std::string last_component(const std::string& p) {
  const auto cut = p.find_last_of('.');
  return cut == std::string::npos ? p : p.substr(cut + 1);
}

std::string parent_of(const std::string& p) {
  const auto cut = p.find_last_of('.');
  return cut == std::string::npos ? std::string() : p.substr(0, cut);
}
}  // namespace

namespace {
std::string unknown_key_message(const std::string& what, const std::string& hint);
}  // namespace

void SchemaBase::add_renamed(std::string old_path, std::string replacement) {
  renamed_.emplace_back(std::move(old_path), std::move(replacement));
}

const std::string* SchemaBase::renamed(const std::string& path) const {
  for (const auto& [from, to] : renamed_)
    if (from == path) return &to;
  return nullptr;
}

std::string SchemaBase::unknown_key(const std::string& path) const {
  if (const std::string* to = renamed(path)) return "'" + path + "' was renamed: use " + *to;
  return unknown_key_message(path, suggest(path));
}

std::string SchemaBase::suggest(const std::string& unknown) const {
  const auto paths = all_paths();
  // 1. a close spelling among all paths
  auto [best, best_d] = nearest(unknown, paths);
  if (best_d <= hint_threshold(last_component(unknown).size())) return best;
  // 2. the right name in the wrong section ("read_latency_ns" → "memory.read_latency_ns")
  const std::string leaf = last_component(unknown);
  for (const auto& p : paths)
    if (last_component(p) == leaf) return p;
  // 3. a close spelling of the last component within the same section
  const std::string parent = parent_of(unknown);
  best_d = std::string::npos;
  for (const auto& p : paths) {
    if (parent_of(p) != parent) continue;
    const std::size_t d = edit_distance(leaf, last_component(p));
    if (d < best_d) {
      best_d = d;
      best = p;
    }
  }
  if (best_d <= hint_threshold(leaf.size())) return best;
  return {};
}

// ---------------------------------------------------------------------------------
// YAML walking

namespace {
std::string describe_node(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Scalar: return "\"" + shown(n.Scalar()) + "\"";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a map";
    default: return "an undefined value";
  }
}

std::string unknown_key_message(const std::string& what, const std::string& hint) {
  std::string m = "unknown key '" + shown(what) + "'";
  if (!hint.empty()) m += " (did you mean '" + hint + "'?)";
  return m;
}

std::string closest(const std::string& name, const std::vector<std::string>& candidates) {
  const auto [best, d] = nearest(name, candidates);
  return d <= hint_threshold(name.size()) ? best : std::string();
}
}  // namespace

/// Applies YAML nodes to a config through a schema, recording origins.
class SchemaWalker {
 public:
  SchemaWalker(const SchemaBase& s, void* cfg, std::string source, bool has_marks, ConfigOrigin& origin)
      : s_(s), cfg_(cfg), source_(std::move(source)), marks_(has_marks), origin_(origin) {}

  std::string where(const YAML::Mark& m) const {
    if (!marks_ || m.line < 0) return source_;
    return source_ + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
  }

  /// The value `node` for the key or section `path` (empty: the document root).
  void apply(const std::string& path, const YAML::Node& node, const YAML::Mark& key_mark) {
    if (path.empty() || (s_.find_key(path) == nullptr && s_.find_list(path) == nullptr && s_.is_section(path))) {
      apply_section(path, node);
      return;
    }
    if (const KeySpec* k = s_.find_key(path)) {
      set_scalar(*k, 0, path, node, key_mark);
      origin_.record(path, where(node.Mark()));
      return;
    }
    if (const ListSpec* l = s_.find_list(path)) {
      apply_list(*l, node);
      return;
    }
    throw ConfigError(where(key_mark), "", s_.unknown_key(path));
  }

  /// Where a value is: its own mark, or its key's for an empty value (yaml-cpp marks an
  /// empty value at the next token).
  std::string where_value(const YAML::Node& value, const YAML::Mark& key_mark) const {
    return where(value.IsNull() ? key_mark : value.Mark());
  }

  void set_scalar(const KeySpec& k, std::size_t item, const std::string& shown_path, const YAML::Node& node,
                  const YAML::Mark& key_mark) {
    if (!node.IsScalar())
      throw ConfigError(where_value(node, key_mark), shown_path,
                        "expected " + k.expectation() + ", got " + describe_node(node));
    auto parsed = k.parse(node.Scalar());
    if (auto* err = std::get_if<std::string>(&parsed)) throw ConfigError(where(node.Mark()), shown_path, *err);
    k.set(cfg_, item, std::get<ConfigValue>(parsed));
  }

  void apply_section(const std::string& path, const YAML::Node& node) {
    if (node.IsNull()) return;  // "memory:" with nothing under it, or an empty document
    if (!node.IsMap()) {
      throw ConfigError(where(node.Mark()), path,
                        "expected a map of keys, got " + describe_node(node));
    }
    std::set<std::string> seen;
    for (const auto& kv : node) {
      const YAML::Node key = kv.first;
      const YAML::Node value = kv.second;
      if (!key.IsScalar())
        throw ConfigError(where(key.Mark()), path, "keys must be plain names, got " + describe_node(key));
      const std::string full = path.empty() ? key.Scalar() : path + "." + key.Scalar();
      if (!seen.insert(key.Scalar()).second)
        throw ConfigError(where(key.Mark()), full, "duplicate key");
      if (path.empty() && s_.is_foreign(full)) continue;  // read by another schema
      apply(full, value, key.Mark());
    }
  }

  void apply_list(const ListSpec& l, const YAML::Node& node) {
    if (!node.IsNull() && !node.IsSequence())
      throw ConfigError(where(node.Mark()), l.path,
                        "expected a list of maps with keys " + field_names(l) + ", got " + describe_node(node));
    l.resize(cfg_, 0);
    const std::size_t n = node.IsNull() ? 0 : node.size();
    l.resize(cfg_, n);
    origin_.forget(l.path);
    origin_.record(l.path, where(node.Mark()));
    for (std::size_t i = 0; i < n; ++i) apply_item(l, i, node[i]);
  }

  void apply_item(const ListSpec& l, std::size_t i, const YAML::Node& item) {
    const std::string item_path = l.path + "[" + std::to_string(i) + "]";
    if (!item.IsMap())
      throw ConfigError(where(item.Mark()), item_path,
                        "expected a map with keys " + field_names(l) + ", got " + describe_node(item));
    origin_.record(item_path, where(item.Mark()));
    std::set<std::string> seen;
    for (const auto& kv : item) {
      const YAML::Node key = kv.first;
      const YAML::Node value = kv.second;
      const std::string name = key.IsScalar() ? key.Scalar() : describe_node(key);
      const KeySpec* f = l.field(name);
      if (f == nullptr) {
        std::vector<std::string> names;
        for (const auto& fs : l.fields) names.push_back(fs.name());
        throw ConfigError(where(key.Mark()), item_path, unknown_key_message(name, closest(name, names)));
      }
      if (!seen.insert(name).second)
        throw ConfigError(where(key.Mark()), item_path + "." + name, "duplicate key");
      set_scalar(*f, i, item_path + "." + name, value, key.Mark());
      origin_.record(item_path + "." + name, where(value.Mark()));
    }
    for (const auto& f : l.fields)
      if (f.required && seen.count(f.name()) == 0)
        throw ConfigError(where(item.Mark()), item_path,
                          "missing key '" + f.name() + "' (" + f.expectation() + ")");
  }

 private:
  static std::string field_names(const ListSpec& l) {
    std::vector<std::string> names;
    for (const auto& f : l.fields) names.push_back(f.name());
    return join(names, ", ");
  }

  const SchemaBase& s_;
  void* cfg_;
  std::string source_;
  bool marks_;
  ConfigOrigin& origin_;
};

void SchemaBase::apply_yaml(void* cfg, std::string_view text, const std::string& source, ConfigOrigin& origin,
                            const std::string& subtree) const {
  const YAML::Node root = load_yaml_document(text, source);
  SchemaWalker w(*this, cfg, source, true, origin);
  if (!root.IsNull() && !root.IsMap())
    throw ConfigError(w.where(root.Mark()), "", "expected a map of keys at the top level, got " +
                                                    describe_node(root));
  if (subtree.empty()) {
    w.apply("", root, YAML::Mark::null_mark());
    return;
  }
  if (root.IsNull()) return;
  for (const auto& kv : root) {
    if (!kv.first.IsScalar() || kv.first.Scalar() != subtree) continue;
    w.apply(subtree, kv.second, kv.first.Mark());
  }
}

namespace {
/// Origin recorded for a list item that --set appended (its fields record "--set").
const std::string appended_by_set = "--set (appended item)";

std::string trim_copy(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

/// "address_map[2].base" or "address_map.2.base" → {"address_map", 2, "base"}.
bool split_item_path(const std::string& key, std::string& list, std::size_t& index, std::string& field) {
  std::size_t open = key.find('[');
  std::size_t close = std::string::npos, dot = std::string::npos;
  if (open != std::string::npos) {
    close = key.find(']', open);
    if (close == std::string::npos || close + 1 >= key.size() || key[close + 1] != '.') return false;
    dot = close + 1;
  } else {
    // find a numeric path component
    std::size_t start = 0;
    while (true) {
      const std::size_t d1 = key.find('.', start);
      if (d1 == std::string::npos) return false;
      const std::size_t d2 = key.find('.', d1 + 1);
      if (d2 == std::string::npos) return false;
      const std::string comp = key.substr(d1 + 1, d2 - d1 - 1);
      if (!comp.empty() && std::all_of(comp.begin(), comp.end(), [](unsigned char c) { return std::isdigit(c); })) {
        open = d1;
        close = d2;
        dot = d2;
        break;
      }
      start = d1 + 1;
    }
  }
  const std::string digits = key.substr(open + 1, close - open - 1);
  if (digits.empty() || digits.size() > 9 ||
      !std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); }))
    return false;
  list = key.substr(0, open);
  index = std::stoul(digits);
  field = key.substr(dot + 1);
  return true;
}
}  // namespace

void SchemaBase::apply_set(void* cfg, std::string_view assignment, ConfigOrigin& origin) const {
  const std::string where = "--set";
  const auto eq = assignment.find('=');
  if (eq == std::string_view::npos)
    throw ConfigError(where, "", "expected key.path=value, got \"" + shown(assignment) + "\"");
  const std::string key = trim_copy(assignment.substr(0, eq));
  const std::string value = trim_copy(assignment.substr(eq + 1));
  if (key.empty()) throw ConfigError(where, "", "missing key before '=' in \"" + shown(assignment) + "\"");

  SchemaWalker w(*this, cfg, where, false, origin);
  if (const KeySpec* k = find_key(key)) {
    auto parsed = k->parse(value);
    if (auto* err = std::get_if<std::string>(&parsed)) throw ConfigError(where, key, *err);
    k->set(cfg, 0, std::get<ConfigValue>(parsed));
    origin.record(key, where);
    return;
  }
  std::string list_path, field;
  std::size_t index = 0;
  if (split_item_path(key, list_path, index, field)) {
    if (const ListSpec* l = find_list(list_path)) {
      const std::size_t n = l->size(cfg);
      const std::string item_path = list_path + "[" + std::to_string(index) + "]";
      if (index > n)
        throw ConfigError(where, item_path,
                          "no such item: the list has " + std::to_string(n) + " item(s); use index " +
                              std::to_string(n) + " to append one");
      const KeySpec* f = l->field(field);
      if (f == nullptr) {
        std::vector<std::string> names;
        for (const auto& fs : l->fields) names.push_back(fs.name());
        throw ConfigError(where, item_path, unknown_key_message(field, closest(field, names)));
      }
      auto parsed = f->parse(value);
      if (auto* err = std::get_if<std::string>(&parsed)) throw ConfigError(where, item_path + "." + field, *err);
      if (index == n) {
        l->resize(cfg, n + 1);
        origin.record(item_path, appended_by_set);  // finish() checks its required keys
      }
      f->set(cfg, index, std::get<ConfigValue>(parsed));
      origin.record(item_path + "." + field, where);
      return;
    }
  }
  if (find_list(key) != nullptr || is_section(key)) {
    // a whole list or section, written as YAML flow text: address_map=[{target: memory, ...}]
    YAML::Node node;
    try {
      check_yaml_nesting(value, where + " " + key);
      node = YAML::Load(value);
    } catch (const YAML::Exception& e) {
      throw ConfigError(where, key, "invalid YAML value \"" + shown(value) + "\": " + e.msg);
    }
    w.apply(key, node, YAML::Mark::null_mark());
    return;
  }
  throw ConfigError(where, "", unknown_key(key));
}

void SchemaBase::finish(void* cfg, const ConfigOrigin& origin, const ConfigOrigin* user) const {
  // list items appended by --set get the same required-key check as items in a file
  for (const auto& l : lists_)
    for (std::size_t i = 0; i < l.size(cfg); ++i) {
      const std::string item_path = l.path + "[" + std::to_string(i) + "]";
      const auto it = origin.all().find(item_path);
      if (it == origin.all().end() || it->second != appended_by_set) continue;
      for (const auto& f : l.fields)
        if (f.required && !origin.is_set(item_path + "." + f.name()))
          throw ConfigError("--set", item_path,
                            "missing key '" + f.name() + "' (" + f.expectation() + "): an item appended with --set needs " +
                                item_path + "." + f.name() + "=...");
    }
  for (const auto& k : keys_) {
    if (k.inherits.empty() || origin.is_set(k.path)) continue;
    const KeySpec* from = find_key(k.inherits);
    if (from == nullptr) throw std::logic_error("config schema: '" + k.path + "' inherits unknown key '" + k.inherits + "'");
    k.set(cfg, 0, from->get(cfg, 0));
  }
  const CheckContext ctx(origin, user);
  for (const auto& check : checks_) check(cfg, ctx);
}

// ---------------------------------------------------------------------------------
// Docs and JSON

std::string SchemaBase::markdown(void* scratch) const {
  std::ostringstream os;
  auto cell = [](const std::string& s) { return s.empty() ? std::string() : "`" + s + "`"; };
  os << "| key | type | default | unit | allowed | description |\n";
  os << "|---|---|---|---|---|---|\n";
  for (const auto& e : order_) {
    if (!e.is_list) {
      const KeySpec& k = keys_[e.index];
      const std::string def = k.inherits.empty() ? cell(k.format(k.get(scratch, 0)))
                                                 : "= " + cell(k.inherits);
      os << "| " << cell(k.path) << " | " << k.type_name() << " | " << (def.empty() ? "`\"\"`" : def)
         << " | " << k.unit << " | " << k.range_text() << " | " << k.doc << " |\n";
      continue;
    }
    const ListSpec& l = lists_[e.index];
    const std::size_t n = l.size(scratch);
    std::string def;
    for (std::size_t i = 0; i < n; ++i) {
      std::string item;
      for (const auto& f : l.fields) item += (item.empty() ? "" : ", ") + f.name() + ": " + f.format(f.get(scratch, i));
      def += (def.empty() ? "" : "<br>") + ("`{" + item + "}`");
    }
    os << "| " << cell(l.path) << " | list | " << (def.empty() ? "`[]`" : def) << " |  |  | " << l.doc
       << " |\n";
    l.resize(scratch, n + 1);  // a fresh item shows the item defaults
    for (const auto& f : l.fields) {
      const std::string def_item = f.required ? "required" : cell(f.format(f.get(scratch, n)));
      os << "| " << cell(f.path) << " | " << f.type_name() << " | " << def_item << " | " << f.unit << " | "
         << f.range_text() << " | " << f.doc << " |\n";
    }
    l.resize(scratch, n);
  }
  return os.str();
}

namespace {
nlohmann::ordered_json value_json(const ConfigValue& v) {
  return std::visit([](const auto& x) { return nlohmann::ordered_json(x); }, v);
}

nlohmann::ordered_json& at_path(nlohmann::ordered_json& root, const std::string& path) {
  nlohmann::ordered_json* node = &root;
  std::size_t start = 0;
  while (true) {
    const auto dot = path.find('.', start);
    node = &(*node)[path.substr(start, dot == std::string::npos ? std::string::npos : dot - start)];
    if (dot == std::string::npos) return *node;
    start = dot + 1;
  }
}
}  // namespace

nlohmann::ordered_json SchemaBase::to_json(const void* cfg) const {
  nlohmann::ordered_json root = nlohmann::ordered_json::object();
  for (const auto& e : order_) {
    if (!e.is_list) {
      const KeySpec& k = keys_[e.index];
      at_path(root, k.path) = value_json(k.get(cfg, 0));
      continue;
    }
    const ListSpec& l = lists_[e.index];
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < l.size(cfg); ++i) {
      nlohmann::ordered_json item = nlohmann::ordered_json::object();
      for (const auto& f : l.fields) item[f.name()] = value_json(f.get(cfg, i));
      arr.push_back(std::move(item));
    }
    at_path(root, l.path) = std::move(arr);
  }
  return root;
}

}  // namespace cimvp
