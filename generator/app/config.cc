#include "app/config.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <toml++/toml.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>

#include "core/files.h"
#include "core/text.h"

namespace jp {
namespace fs = std::filesystem;

namespace {

/// What the options' names do not say: which keys are paths, which must exist, which name
/// a secret. Keys of options a command does not have are simply not used.
struct PathRule {
  const char* key;
  ConfigKey::Must must;
  bool secret;
};
constexpr PathRule kPaths[] = {
    {"input", ConfigKey::Must::exist, false},        {"db", ConfigKey::Must::nothing, false},
    {"out", ConfigKey::Must::nothing, false},        {"site-key", ConfigKey::Must::be_file, true},
    {"sign-key", ConfigKey::Must::be_file, true},    {"sign-cert", ConfigKey::Must::be_file, false},
    {"sign-chain", ConfigKey::Must::be_file, false},
};

/// Options that make no sense in a file: the file itself, help.
bool not_a_setting(const std::string& key) {
  return key == "config" || key == "help" || key == "version";
}

std::string key_of(const CLI::Option& opt) {
  if (!opt.get_lnames().empty()) return opt.get_lnames().front();
  if (opt.get_name() == "PATH") return "input";  // import's positional: the export folder
  return {};
}

ValueKind kind_of(const CLI::Option& opt) {
  if (opt.get_expected_max() == 0) return ValueKind::flag;  // add_flag sets expected(0)
  std::string type = opt.get_type_name();
  if (type.rfind("INT", 0) == 0 || type.rfind("UINT", 0) == 0) return ValueKind::integer;
  if (type.rfind("FLOAT", 0) == 0 || type.rfind("NUMBER", 0) == 0) return ValueKind::number;
  return ValueKind::text;
}

const char* toml_type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "a whole number";
    case toml::node_type::floating_point:
      return "a number with a fraction";
    case toml::node_type::boolean:
      return "true or false";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date and time";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    default:
      return "nothing";
  }
}

const char* expected_name(ValueKind k) {
  switch (k) {
    case ValueKind::flag:
      return "true or false";
    case ValueKind::integer:
      return "a whole number";
    case ValueKind::number:
      return "a number";
    case ValueKind::text:
      return "a string";
  }
  return "";
}

/// A scalar as the command line would spell it, or nullopt if it is not of kind `k`.
std::optional<std::string> scalar_text(const toml::node& n, ValueKind k) {
  switch (k) {
    case ValueKind::flag:
      if (auto b = n.value_exact<bool>()) return *b ? "true" : "false";
      return std::nullopt;
    case ValueKind::integer:
      if (auto i = n.value_exact<int64_t>()) return std::to_string(*i);
      return std::nullopt;
    case ValueKind::number:
      if (auto i = n.value_exact<int64_t>()) return std::to_string(*i);
      if (auto d = n.value_exact<double>()) return fmt::format("{}", *d);
      return std::nullopt;
    case ValueKind::text:
      if (auto s = n.value_exact<std::string>()) return *s;
      // `today = 2025-03-14` (a TOML date) as well as `today = "2025-03-14"`.
      if (auto d = n.value_exact<toml::date>())
        return fmt::format("{:04}-{:02}-{:02}", d->year, d->month, d->day);
      return std::nullopt;
  }
  return std::nullopt;
}

std::string describe_value(const toml::node& n) {
  std::string what = toml_type_name(n);
  if (auto s = n.value_exact<std::string>()) what += " (" + quoted_for_message(*s) + ")";
  return what;
}

/// A near miss of a known key (`site_key`, `Site-Key`, `--site-key`), for the message.
std::string nearest_key(const std::string& key, const std::vector<ConfigKey>& keys) {
  std::string k;
  for (char c : key) k += c == '_' ? '-' : char(std::tolower(static_cast<unsigned char>(c)));
  while (!k.empty() && k[0] == '-') k.erase(0, 1);
  for (const auto& ck : keys)
    if (ck.key == k || ck.key == "publish." + k) return ck.key;
  return {};
}

}  // namespace

const ConfigSetting* Config::find(std::string_view key) const {
  for (const auto& s : settings)
    if (s.key == key) return &s;
  return nullptr;
}

std::string Config::where(const ConfigSetting& s) const {
  return fmt::format("{}:{}: {}", file, s.line, s.key);
}

std::vector<ConfigKey> config_keys(const std::vector<const CLI::App*>& commands) {
  std::vector<ConfigKey> keys;
  for (const CLI::App* cmd : commands) {
    for (const CLI::Option* opt : cmd->get_options()) {
      std::string key = key_of(*opt);
      if (key.empty() || not_a_setting(key)) continue;
      if (std::any_of(keys.begin(), keys.end(), [&](const auto& k) { return k.key == key; }))
        continue;
      ConfigKey ck;
      ck.key = key;
      ck.kind = kind_of(*opt);
      ck.list = opt->get_items_expected_max() > 1;
      for (const auto& p : kPaths)
        if (key == p.key) ck.path = true, ck.must = p.must, ck.secret = p.secret;
      keys.push_back(ck);
    }
  }
  // Where the site goes after a build (nightly): a local folder, or HOST:PATH for rsync
  // over ssh, with the ssh command to use.
  keys.push_back({"publish.to", ValueKind::text, false, true, ConfigKey::Must::nothing, false});
  keys.push_back({"publish.ssh", ValueKind::text, false, false, ConfigKey::Must::nothing, false});
  return keys;
}

/// `FILE:LINE: ...`'s line, to list problems in the file's order (TOML tables iterate by key).
static int line_of(const std::string& problem) {
  for (size_t c = problem.find(':'); c != std::string::npos; c = problem.find(':', c + 1)) {
    size_t e = c + 1;
    while (e < problem.size() && std::isdigit(static_cast<unsigned char>(problem[e]))) ++e;
    if (e > c + 1 && e < problem.size() && problem[e] == ':')
      return std::stoi(problem.substr(c + 1, e - c - 1));
  }
  return 0;
}

/// Adds `found` to the caller's list (once each: the same setting refused by two commands'
/// options is one problem), in the file's order; without a list, throws them as one error,
/// a line each.
static void report_problems(const std::vector<std::string>& found,
                            std::vector<std::string>* problems) {
  std::vector<std::string> own;
  std::vector<std::string>& all = problems ? *problems : own;
  for (const auto& p : found)
    if (std::find(all.begin(), all.end(), p) == all.end()) all.push_back(p);
  std::stable_sort(all.begin(), all.end(),
                   [](const auto& a, const auto& b) { return line_of(a) < line_of(b); });
  if (problems || all.empty()) return;
  std::string text = all[0];
  for (size_t i = 1; i < all.size(); ++i) text += "\n" + all[i];
  throw std::runtime_error(text);
}

bool is_remote_target(const std::string& to) {
  auto colon = to.find(':');
  return colon != std::string::npos && to.find('/') > colon;
}

Config read_config(const std::string& file, const std::vector<ConfigKey>& keys,
                   std::vector<std::string>* problems) {
  std::string text = read_file(file, "configuration file");
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    // toml++ quotes what it saw, which may be the end of the line.
    std::string why;
    for (char c : e.description()) why += c == '\n' ? std::string("\\n") : std::string(1, c);
    throw std::runtime_error(
        fmt::format("{}:{}:{}: {}", file, e.source().begin.line, e.source().begin.column, why));
  }
  Config cfg;
  cfg.file = file;
  fs::path base = fs::path(file).parent_path();

  // Every problem of the file is collected (`config check` lists them all at once); a key
  // with a problem is left out and the next one read.
  std::vector<std::string> found;
  std::set<std::string> refused;  ///< keys with a problem
  auto fail = [&](std::string why) { found.push_back(std::move(why)); };
  auto read_one = [&](const std::string& key, const toml::key& k, const toml::node& node) {
    int line = int(k.source().begin.line);
    auto refuse = [&](std::string why) {
      refused.insert(key);
      fail(std::move(why));
    };
    std::string where = fmt::format("{}:{}: {}", file, line, key);
    auto known =
        std::find_if(keys.begin(), keys.end(), [&](const auto& c) { return c.key == key; });
    if (known == keys.end()) {
      std::string near = nearest_key(key, keys);
      return refuse(fmt::format(
          "{}:{}: unknown key \"{}\"{}; the keys are the options of import, build and nightly "
          "without the dashes, input, and publish.to and publish.ssh (docs/manual.md)",
          file, line, key, near.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", near)));
    }
    ConfigSetting s;
    s.key = key;
    s.line = line;
    auto wrong = [&](const toml::node& n) {
      return refuse(fmt::format("{}: expected {}{}, got {}", where, expected_name(known->kind),
                                known->list ? " or an array of them" : "", describe_value(n)));
    };
    if (const toml::array* arr = node.as_array()) {
      if (!known->list) return wrong(node);
      for (const auto& item : *arr) {
        auto v = scalar_text(item, known->kind);
        if (!v) return wrong(item);
        s.values.push_back(*v);
      }
    } else {
      auto v = scalar_text(node, known->kind);
      if (!v) return wrong(node);
      s.values.push_back(*v);
    }
    for (auto& v : s.values) {
      if (v.find('\0') != std::string::npos || v.empty())
        return refuse(fmt::format("{}: expected a value, got an empty one", where));
      bool path = known->path && !(key == "publish.to" && is_remote_target(v));
      if (path && fs::path(v).is_relative()) v = (base / v).lexically_normal().string();
      if (!path) continue;
      struct stat st {};
      bool exists = ::stat(v.c_str(), &st) == 0;
      bool need_folder = key == "publish.to";
      if ((known->must != ConfigKey::Must::nothing || need_folder) && !exists)
        return refuse(fmt::format("{}: {}{} does not exist{}", where,
                                  need_folder                               ? "the folder "
                                  : known->must == ConfigKey::Must::be_file ? "the file "
                                                                            : "",
                                  v,
                                  known->secret && key == "site-key"
                                      ? " (`journalpress keygen --out DIR` makes one)"
                                      : ""));
      if (known->must == ConfigKey::Must::be_file && !S_ISREG(st.st_mode))
        return refuse(fmt::format("{}: {} is not a regular file", where, v));
      if (need_folder && !S_ISDIR(st.st_mode))
        return refuse(fmt::format("{}: {} is not a folder", where, v));
    }
    if (cfg.find(key))  // TOML forbids it already; an array of tables could not reach here
      return refuse(fmt::format("{}: given twice", where));
    cfg.settings.push_back(std::move(s));
  };

  for (const auto& [k, node] : root) {
    std::string key(k.str());
    if (const toml::table* t = node.as_table(); t && key == "publish") {
      for (const auto& [k2, node2] : *t) read_one("publish." + std::string(k2.str()), k2, node2);
      continue;
    }
    read_one(key, k, node);
  }
  if (const ConfigSetting* ssh = cfg.find("publish.ssh")) {
    const ConfigSetting* to = cfg.find("publish.to");
    // A publish.to refused above is reported already: not "not given" as well.
    if ((!to && !refused.count("publish.to")) || (to && !is_remote_target(to->values[0])))
      fail(fmt::format(
          "{}: is for a remote publish.to (HOST:PATH, rsync over ssh); publish.to is {}",
          cfg.where(*ssh), to ? "a local folder" : "not given"));
  }
  std::sort(cfg.settings.begin(), cfg.settings.end(),
            [](const auto& a, const auto& b) { return a.line < b.line; });
  report_problems(found, problems);
  return cfg;
}

void apply_config(const Config& config, CLI::App& command, const std::vector<std::string>& skip,
                  std::vector<std::string>* problems) {
  std::vector<std::string> found;
  for (CLI::Option* opt : command.get_options()) {
    std::string key = key_of(*opt);
    if (key.empty() || not_a_setting(key) || opt->count() > 0) continue;
    if (std::find(skip.begin(), skip.end(), key) != skip.end()) continue;
    const ConfigSetting* s = config.find(key);
    if (!s) continue;
    try {
      opt->add_result(s->values);
      opt->run_callback();
    } catch (const CLI::Error& e) {
      // CLI11 names the option (`--base-url: expected ...`); the file's line says where.
      std::string why = e.what();
      std::string prefix = opt->get_name() + ": ";
      if (why.rfind(prefix, 0) == 0) why = why.substr(prefix.size());
      found.push_back(fmt::format("{}: {}", config.where(*s), why));
    }
  }
  report_problems(found, problems);
}

std::string mask_secrets(std::string_view value) {
  std::string v(value);
  auto scheme = v.find("://");
  if (scheme == std::string::npos) return v;
  auto host_end = v.find_first_of("/?#", scheme + 3);
  auto at = v.rfind('@', host_end == std::string::npos ? v.size() : host_end);
  if (at == std::string::npos || at < scheme + 3) return v;
  auto colon = v.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return v;
  return v.substr(0, colon + 1) + "***" + v.substr(at);
}

std::string describe_settings(const Config& config, const std::vector<const CLI::App*>& commands) {
  auto keys = config_keys(commands);
  std::map<std::string, const CLI::Option*> options;
  for (const CLI::App* cmd : commands)
    for (const CLI::Option* opt : cmd->get_options()) options.emplace(key_of(*opt), opt);
  auto toml_value = [](const ConfigKey& k, const std::vector<std::string>& values) {
    std::vector<std::string> parts;
    for (const auto& v : values) {
      std::string shown = mask_secrets(v);
      if (k.kind == ValueKind::text) {
        std::string q = "\"";
        for (char c : shown) {
          if (c == '"' || c == '\\') q += '\\';
          q += c;
        }
        shown = q + "\"";
      }
      parts.push_back(shown);
    }
    if (!k.list) return parts.empty() ? std::string() : parts[0];
    std::string out = "[";
    for (size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
    return out + "]";
  };
  std::string out = fmt::format(
      "# the effective settings of {} (file, else default; the command line of a run overrides "
      "them; secrets masked)\n",
      config.file);
  std::string publish;
  for (const auto& k : keys) {
    const ConfigSetting* s = config.find(k.key);
    std::string line;
    if (s) {
      std::string note = fmt::format("line {}", s->line);
      if (k.secret) {
        // The secret is the file's content, never printed; its mode is worth a look.
        struct stat st {};
        if (::stat(s->values[0].c_str(), &st) == 0)
          note +=
              fmt::format(", a secret file of mode {:04o}{}", st.st_mode & 07777,
                          (st.st_mode & 077) ? ": WARNING, readable by others than its owner" : "");
      }
      std::string name = k.key.rfind("publish.", 0) == 0 ? k.key.substr(8) : k.key;
      line = fmt::format("{:<40} # {}\n", name + " = " + toml_value(k, s->values), note);
    } else {
      auto o = options.find(k.key);
      std::string def = o == options.end() ? "" : o->second->get_default_str();
      line = def.empty() ? fmt::format("# {}: not set\n", k.key)
                         : fmt::format("{:<40} # default\n", k.key + " = " + toml_value(k, {def}));
    }
    if (k.key.rfind("publish.", 0) == 0)
      publish += line;
    else
      out += line;
  }
  return out + "\n[publish]\n" + publish;
}

}  // namespace jp
