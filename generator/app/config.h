// The school's configuration file (TOML, `--config FILE`): every option of `import`, `build`
// and `nightly` under its command-line name without the dashes (`db`, `site-key`, `site`),
// plus `input` (import's PATH, the export folder) and the `[publish]` table.
//
// The keys and their types are not listed here a second time: they are read off the CLI11
// options themselves, and a value from the file is handed to the very option the command
// line fills, so it goes through the same conversion and the same checks. Only options the
// command line left out are filled: the command line overrides the file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace jp {

/// What a key may hold, from its option: a flag is `true`/`false`, an integer option a whole
/// number, a floating one any number, the rest text (a TOML date is taken as YYYY-MM-DD).
enum class ValueKind { flag, integer, number, text };

struct ConfigKey {
  std::string key;
  ValueKind kind = ValueKind::text;
  bool list = false;  ///< a repeatable option: an array, or one value
  bool path = false;  ///< a path: relative ones are taken from the config file's folder
  /// The path must exist: a file (the keys and certificates) or anything (the input).
  enum class Must { nothing, exist, be_file, be_folder } must = Must::nothing;
  bool secret = false;  ///< printed masked by `config check`
};

/// One setting of the file: its key (`db`, `publish.to`), its line, and its value as the
/// command line spells it (several for an array; a relative path made absolute).
struct ConfigSetting {
  std::string key;
  int line = 0;
  std::vector<std::string> values;
};

struct Config {
  std::string file;                     ///< as given
  std::vector<ConfigSetting> settings;  ///< in the file's order
  const ConfigSetting* find(std::string_view key) const;
  /// `FILE:LINE: KEY` of a setting, for messages.
  std::string where(const ConfigSetting& s) const;
};

/// The keys of `commands`' options (`--db` is `db`; import's PATH is `input`), once each,
/// and the `[publish]` table's (`publish.to`, `publish.ssh`).
std::vector<ConfigKey> config_keys(const std::vector<const CLI::App*>& commands);

/// Reads and checks `file`: TOML syntax, unknown keys, value types, files that must exist.
/// Each problem is `FILE:LINE: KEY: what was expected`, and every one is found, not only the
/// first: they are added to `problems` when given (a key with a problem is left out of the
/// result), otherwise thrown together as one std::runtime_error, a line each. A file that
/// cannot be read or parsed (TOML syntax: the parser stops at its first error) always throws.
Config read_config(const std::string& file, const std::vector<ConfigKey>& keys,
                   std::vector<std::string>* problems = nullptr);

/// Fills the options of `command` that its command line left out from `config`, running each
/// option's conversion and checks; a value they refuse is an error naming the file, the line
/// and the key. Keys in `skip` are not taken from the file. Every refused value is found:
/// added to `problems` when given (once, however many commands refuse it), otherwise thrown
/// together as one std::runtime_error.
void apply_config(const Config& config, CLI::App& command,
                  const std::vector<std::string>& skip = {},
                  std::vector<std::string>* problems = nullptr);

/// The effective settings of `commands` as TOML (`config check`): each key's value and where
/// it comes from (a line of the file, or the default), secrets masked.
std::string describe_settings(const Config& config, const std::vector<const CLI::App*>& commands);

/// `publish.to` is rsync's remote form when a colon comes before any slash (`host:/var/www`,
/// `user@host:www/`), as rsync itself decides.
bool is_remote_target(const std::string& to);

/// `scheme://user:password@host...` with the password replaced by `***`; other text as it is.
std::string mask_secrets(std::string_view value);

}  // namespace jp
