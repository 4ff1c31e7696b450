// Table-driven configuration schema.
//
// A schema is a list of keys, each with a dotted path ("memory.read_latency_ns"), a
// type, an allowed range or set of values, a unit, a one-line doc and an accessor into a
// plain config struct (cimvp::PlatformConfig, models/include/cimvp/config.h).  The same
// table drives YAML parsing, validation, `--set key.path=value` overrides, "did you
// mean" hints for unknown keys, the JSON echo of a configuration and the key table of
// docs/configuration.md (`cimvp --list-keys`).
//
// Sections are not declared anywhere: "memory" is a section because keys named
// "memory.*" exist.  A block adds its section by registering its keys, from its own file,
// on the schema (see platform_config.h: platform_schema()).
//
//   ConfigSchema s;
//   s.add("memory.read_latency_ns", [](auto& c) -> auto& { return c.memory.read_latency_ns; })
//       .as_time().min(0).describe("fixed latency of a read transaction");
//   auto map = s.add_list("address_map", [](auto& c) -> auto& { return c.router.map; });
//   map.add("base", [](auto& e) -> auto& { return e.base; }).hex().mandatory();
//   s.add_check([](const PlatformConfig& c, const CheckContext& ctx) { ... ctx.fail(...); });
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace cimvp {

/// Bad configuration input.  what() is "<location>: <key>: <message>" (empty parts
/// omitted); location is "file:line:column", a file name, or "--set".
class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string location, std::string key, std::string message);
  const std::string& location() const noexcept { return location_; }
  const std::string& key() const noexcept { return key_; }
  const std::string& message() const noexcept { return message_; }

 private:
  std::string location_, key_, message_;
};

enum class KeyType { integer, unsigned_integer, number, time, boolean, string, enumeration };

/// A parsed value: int64 (integer), uint64 (unsigned_integer), double (number, time in
/// ns), bool (boolean), string (string, enumeration: the choice's name).
using ConfigValue = std::variant<std::int64_t, std::uint64_t, double, bool, std::string>;

/// One key of the table.  Built by Schema::add(); the fluent setters refine it.
struct KeySpec {
  std::string path;  ///< "memory.read_latency_ns"; list item fields "address_map[].base"
  KeyType type = KeyType::string;
  std::string unit;  ///< "ns", "bytes", "" …
  std::string doc;
  std::int64_t int_min = std::numeric_limits<std::int64_t>::min();
  std::int64_t int_max = std::numeric_limits<std::int64_t>::max();
  std::uint64_t uint_min = 0;
  std::uint64_t uint_max = std::numeric_limits<std::uint64_t>::max();
  std::int64_t type_int_min = std::numeric_limits<std::int64_t>::min();  ///< limits of the field's C++ type
  std::int64_t type_int_max = std::numeric_limits<std::int64_t>::max();
  std::uint64_t type_uint_max = std::numeric_limits<std::uint64_t>::max();
  double num_min = -std::numeric_limits<double>::infinity();
  double num_max = std::numeric_limits<double>::infinity();
  bool num_min_exclusive = false;
  std::vector<std::string> choices;  ///< enumeration: allowed names
  bool required = false;             ///< list item fields: must be given
  bool show_hex = false;             ///< docs/echo show the value in hex
  std::string inherits;              ///< when not set explicitly, takes this key's value
  std::function<ConfigValue(const void* cfg, std::size_t item)> get;
  std::function<void(void* cfg, std::size_t item, const ConfigValue&)> set;

  template <class T>
  KeySpec& min(T v) {
    if constexpr (std::is_integral_v<T>) {
      int_min = static_cast<std::int64_t>(v);
      uint_min = v < 0 ? 0 : static_cast<std::uint64_t>(v);
    }
    num_min = static_cast<double>(v);
    num_min_exclusive = false;
    return *this;
  }
  template <class T>
  KeySpec& max(T v) {
    if constexpr (std::is_integral_v<T>) {
      int_max = static_cast<std::int64_t>(v);
      uint_max = v < 0 ? 0 : static_cast<std::uint64_t>(v);
    }
    num_max = static_cast<double>(v);
    return *this;
  }
  template <class T>
  KeySpec& range(T lo, T hi) { return min(lo).max(hi); }
  /// Exclusive lower bound (number and time keys).
  KeySpec& above(double v) { num_min = v; num_min_exclusive = true; return *this; }
  KeySpec& with_unit(std::string u) { unit = std::move(u); return *this; }
  KeySpec& describe(std::string d) { doc = std::move(d); return *this; }
  /// A number in ns that also accepts a time with unit ("2 us").
  KeySpec& as_time() { type = KeyType::time; unit = "ns"; return *this; }
  /// A string key restricted to these values.
  KeySpec& one_of(std::vector<std::string> values);
  KeySpec& inherit(std::string key_path) { inherits = std::move(key_path); return *this; }
  KeySpec& mandatory() { required = true; return *this; }
  KeySpec& hex() { show_hex = true; return *this; }

  /// Last path component ("read_latency_ns").
  std::string name() const;
  /// "uint", "int", "number", "time", "bool", "string", "enum".
  std::string type_name() const;
  /// Allowed values for docs: ">= 1", "1 .. 64", "> 0", "memory, dma", "" when unrestricted.
  std::string range_text() const;
  /// What an error message expects: "a number >= 0 (ns)", "one of: memory, dma".
  std::string expectation() const;
  /// A value as a user would write it ("64 MiB", "0x40000000", "50", "true").
  std::string format(const ConfigValue& v) const;
  /// Parses `text` and checks the range; the error message on failure.
  std::variant<ConfigValue, std::string> parse(std::string_view text) const;
};

/// A key whose value is a list of items with their own fields ("address_map").
struct ListSpec {
  std::string path;
  std::string doc;
  std::function<std::size_t(const void* cfg)> size;
  std::function<void(void* cfg, std::size_t n)> resize;  ///< new items get default values
  std::deque<KeySpec> fields;                            ///< paths "<path>[].<name>"
  const KeySpec* field(std::string_view name) const;
};

/// Where each key got its value: key path (list items as "address_map[1]",
/// "address_map[1].base") → "file:line:col" or "--set".  Keys not present kept their default.
class ConfigOrigin {
 public:
  void record(const std::string& path, const std::string& location) { where_[path] = location; }
  /// Drops `path` and everything recorded under it (a list or section that is replaced).
  void forget(const std::string& path);
  bool is_set(const std::string& path) const { return where_.count(path) != 0; }
  /// Location of `path`, else of a key recorded under it, else of its closest recorded
  /// parent, else "".
  std::string location_of(std::string path) const;
  const std::map<std::string, std::string>& all() const { return where_; }

 private:
  std::map<std::string, std::string> where_;
};

/// Passed to cross-field checks; fail() throws a ConfigError located at `key`.
/// With `user` (the keys the user's own file and --set gave), a check that fails on a key
/// of a built-in base while its message names a key the user set is located at the user's
/// key — the one the user changed — and names the other key's origin in the message.
class CheckContext {
 public:
  explicit CheckContext(const ConfigOrigin& origin, const ConfigOrigin* user = nullptr)
      : origin_(origin), user_(user) {}
  [[noreturn]] void fail(const std::string& key, const std::string& message) const;

 private:
  const ConfigOrigin& origin_;
  const ConfigOrigin* user_;
};

/// The untyped engine; use Schema<Cfg>.
class SchemaBase {
 public:
  /// Scalar keys in registration order.
  const std::deque<KeySpec>& keys() const { return keys_; }
  const std::deque<ListSpec>& lists() const { return lists_; }
  /// A scalar key or a list item field ("address_map[].target"); nullptr when unknown.
  KeySpec* find(std::string_view path);
  const KeySpec* find(std::string_view path) const;
  /// A scalar key only.
  const KeySpec* find_key(std::string_view path) const;
  const ListSpec* find_list(std::string_view path) const;
  /// True when keys named "<path>.*" exist.
  bool is_section(std::string_view path) const;
  /// Every scalar key, list and section path (for hints).
  std::vector<std::string> all_paths() const;
  /// "did you mean" hint for an unknown full path: best match or "".
  std::string suggest(const std::string& unknown_path) const;
  /// Declares a key or section path that no longer exists: using it (in YAML or --set) is
  /// an error naming `replacement` (e.g. "cim.rows" → "cim.array.rows").
  void add_renamed(std::string old_path, std::string replacement);
  /// The replacement of a renamed path, or nullptr.
  const std::string* renamed(const std::string& path) const;
  /// "unknown key 'X' (did you mean 'Y'?)", or "'X' was renamed: use Y" for a renamed path.
  std::string unknown_key(const std::string& path) const;
  /// Declares a top-level key that another reader handles (a platform file's `base` and
  /// `workload`): apply_yaml skips it, hints may suggest it.
  void add_foreign(std::string top_level_key) { foreign_.push_back(std::move(top_level_key)); }
  bool is_foreign(std::string_view top_level_key) const;

 protected:
  KeySpec& new_key(std::string path);
  ListSpec& new_list(std::string path);
  void new_check(std::function<void(const void*, const CheckContext&)> check);

  void apply_yaml(void* cfg, std::string_view text, const std::string& source, ConfigOrigin& origin,
                  const std::string& subtree = {}) const;
  void apply_set(void* cfg, std::string_view assignment, ConfigOrigin& origin) const;
  void finish(void* cfg, const ConfigOrigin& origin, const ConfigOrigin* user = nullptr) const;
  std::string markdown(void* defaults_scratch) const;
  nlohmann::ordered_json to_json(const void* cfg) const;

 private:
  struct Entry {
    bool is_list;
    std::size_t index;
  };
  std::deque<KeySpec> keys_;
  std::deque<ListSpec> lists_;
  std::vector<Entry> order_;
  std::vector<std::pair<std::string, std::string>> renamed_;
  std::vector<std::string> foreign_;
  std::vector<std::function<void(const void*, const CheckContext&)>> checks_;
};

namespace detail {
template <class T>
inline constexpr bool unsupported_config_type = false;

/// Fills type, limits, get and set of `k` for a field of type T reached through `ref`.
template <class T, class Ref>
void bind_field(KeySpec& k, Ref ref) {
  if constexpr (std::is_same_v<T, bool>) {
    k.type = KeyType::boolean;
    k.get = [ref](const void* c, std::size_t i) { return ConfigValue(ref(const_cast<void*>(c), i)); };
    k.set = [ref](void* c, std::size_t i, const ConfigValue& v) { ref(c, i) = std::get<bool>(v); };
  } else if constexpr (std::is_same_v<T, std::string>) {
    k.type = KeyType::string;
    k.get = [ref](const void* c, std::size_t i) { return ConfigValue(ref(const_cast<void*>(c), i)); };
    k.set = [ref](void* c, std::size_t i, const ConfigValue& v) { ref(c, i) = std::get<std::string>(v); };
  } else if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T>) {
    k.type = KeyType::unsigned_integer;
    k.uint_max = k.type_uint_max = std::numeric_limits<T>::max();
    k.get = [ref](const void* c, std::size_t i) {
      return ConfigValue(static_cast<std::uint64_t>(ref(const_cast<void*>(c), i)));
    };
    k.set = [ref](void* c, std::size_t i, const ConfigValue& v) {
      ref(c, i) = static_cast<T>(std::get<std::uint64_t>(v));
    };
  } else if constexpr (std::is_integral_v<T>) {
    k.type = KeyType::integer;
    k.int_min = k.type_int_min = std::numeric_limits<T>::min();
    k.int_max = k.type_int_max = std::numeric_limits<T>::max();
    k.get = [ref](const void* c, std::size_t i) {
      return ConfigValue(static_cast<std::int64_t>(ref(const_cast<void*>(c), i)));
    };
    k.set = [ref](void* c, std::size_t i, const ConfigValue& v) {
      ref(c, i) = static_cast<T>(std::get<std::int64_t>(v));
    };
  } else if constexpr (std::is_floating_point_v<T>) {
    k.type = KeyType::number;
    k.get = [ref](const void* c, std::size_t i) {
      return ConfigValue(static_cast<double>(ref(const_cast<void*>(c), i)));
    };
    k.set = [ref](void* c, std::size_t i, const ConfigValue& v) {
      ref(c, i) = static_cast<T>(std::get<double>(v));
    };
  } else {
    static_assert(unsupported_config_type<T>, "config field type not supported by the schema");
  }
}

template <class E, class Ref>
void bind_enum(KeySpec& k, Ref ref, std::vector<std::pair<std::string, E>> choices) {
  k.type = KeyType::enumeration;
  k.choices.clear();
  for (const auto& c : choices) k.choices.push_back(c.first);
  k.get = [ref, choices](const void* c, std::size_t i) {
    const E v = ref(const_cast<void*>(c), i);
    for (const auto& ch : choices)
      if (ch.second == v) return ConfigValue(ch.first);
    return ConfigValue(std::string("?"));
  };
  k.set = [ref, choices](void* c, std::size_t i, const ConfigValue& v) {
    for (const auto& ch : choices)
      if (ch.first == std::get<std::string>(v)) ref(c, i) = ch.second;
  };
}
}  // namespace detail

/// Adds the fields of one list's items (returned by Schema::add_list).
template <class Cfg, class ListAccess>
class ListBuilder {
 public:
  ListBuilder(ListSpec& spec, ListAccess access) : spec_(spec), access_(access) {}

  template <class Access>
  KeySpec& add(const std::string& name, Access field) {
    using Elem = typename std::remove_reference_t<std::invoke_result_t<ListAccess, Cfg&>>::value_type;
    using T = std::remove_reference_t<std::invoke_result_t<Access, Elem&>>;
    KeySpec& k = new_field(name);
    detail::bind_field<T>(k, [a = access_, field](void* c, std::size_t i) -> T& {
      return std::invoke(field, std::invoke(a, *static_cast<Cfg*>(c))[i]);
    });
    return k;
  }
  template <class Access, class E>
  KeySpec& add_enum(const std::string& name, Access field, std::vector<std::pair<std::string, E>> choices) {
    KeySpec& k = new_field(name);
    detail::bind_enum<E>(k, [a = access_, field](void* c, std::size_t i) -> E& {
      return std::invoke(field, std::invoke(a, *static_cast<Cfg*>(c))[i]);
    }, std::move(choices));
    return k;
  }
  ListSpec& spec() { return spec_; }

 private:
  KeySpec& new_field(const std::string& name) {
    spec_.fields.emplace_back();
    spec_.fields.back().path = spec_.path + "[]." + name;
    return spec_.fields.back();
  }
  ListSpec& spec_;
  ListAccess access_;
};

/// The schema of config struct Cfg, starting from `defaults`.
template <class Cfg>
class Schema : public SchemaBase {
 public:
  explicit Schema(Cfg defaults = Cfg{}) : defaults_(std::move(defaults)) {}

  /// Registers a key for the field reached by `access` (a member pointer or a callable
  /// Cfg& → field&).  The key type follows the field type (bool, string, unsigned or
  /// signed integer, floating point); refine with the KeySpec setters.
  template <class Access>
  KeySpec& add(std::string path, Access access) {
    using T = std::remove_reference_t<std::invoke_result_t<Access, Cfg&>>;
    KeySpec& k = new_key(std::move(path));
    detail::bind_field<T>(k, [access](void* c, std::size_t) -> T& {
      return std::invoke(access, *static_cast<Cfg*>(c));
    });
    return k;
  }
  /// Registers an enum field: `choices` maps the names accepted in YAML to values.
  template <class Access, class E>
  KeySpec& add_enum(std::string path, Access access, std::vector<std::pair<std::string, E>> choices) {
    KeySpec& k = new_key(std::move(path));
    detail::bind_enum<E>(k, [access](void* c, std::size_t) -> E& {
      return std::invoke(access, *static_cast<Cfg*>(c));
    }, std::move(choices));
    return k;
  }
  /// Registers a list key (a std::vector of structs); add its fields on the result.
  template <class Access>
  ListBuilder<Cfg, Access> add_list(std::string path, Access access, std::string doc = {}) {
    ListSpec& l = new_list(std::move(path));
    l.doc = std::move(doc);
    l.size = [access](const void* c) {
      return std::invoke(access, *const_cast<Cfg*>(static_cast<const Cfg*>(c))).size();
    };
    l.resize = [access](void* c, std::size_t n) { std::invoke(access, *static_cast<Cfg*>(c)).resize(n); };
    return ListBuilder<Cfg, Access>(l, access);
  }
  /// Registers a cross-field check run by finish(); it reports through ctx.fail().
  void add_check(std::function<void(const Cfg&, const CheckContext&)> check) {
    new_check([check](const void* c, const CheckContext& ctx) { check(*static_cast<const Cfg*>(c), ctx); });
  }

  const Cfg& defaults() const { return defaults_; }

  /// Applies a YAML document; `source` names it in errors ("default.yaml").  With `subtree`
  /// ("workload"; the schema's keys then start with "workload."), only that top-level key
  /// is applied (nothing when absent) and every other top-level key is skipped.
  void apply_yaml(Cfg& cfg, std::string_view text, const std::string& source, ConfigOrigin& origin,
                  const std::string& subtree = {}) const {
    SchemaBase::apply_yaml(&cfg, text, source, origin, subtree);
  }
  /// Applies one "key.path=value" override (list items: "address_map[1].base=0x0").
  void apply_set(Cfg& cfg, std::string_view assignment, ConfigOrigin& origin) const {
    SchemaBase::apply_set(&cfg, assignment, origin);
  }
  /// Resolves inherited defaults, then runs the cross-field checks (`user`: CheckContext).
  void finish(Cfg& cfg, const ConfigOrigin& origin, const ConfigOrigin* user = nullptr) const {
    SchemaBase::finish(&cfg, origin, user);
  }

  /// defaults → YAML text → overrides → finish().
  Cfg load(std::string_view text, const std::string& source,
           const std::vector<std::string>& overrides = {}, ConfigOrigin* origin_out = nullptr) const {
    Cfg cfg = defaults_;
    ConfigOrigin origin;
    apply_yaml(cfg, text, source, origin);
    for (const auto& o : overrides) apply_set(cfg, o, origin);
    finish(cfg, origin);
    if (origin_out != nullptr) *origin_out = origin;
    return cfg;
  }

  /// The key table (markdown) with defaults.
  std::string markdown() const {
    Cfg scratch = defaults_;
    return SchemaBase::markdown(&scratch);
  }
  /// Every key's value, nested by path, in registration order.
  nlohmann::ordered_json to_json(const Cfg& cfg) const { return SchemaBase::to_json(&cfg); }

 private:
  Cfg defaults_;
};

}  // namespace cimvp

