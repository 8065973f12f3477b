// Guards on the settings themselves, checked before any work: a mistyped path must never
// make a run write into, or rsync --delete over, the export, the database, the secrets, the
// configuration file or a system folder (it did: `to = "data"` deleted the export, `to =
// "secrets"` the keys, `out = "/"` built at the root of the disk), and a secret readable by
// others is refused as ssh refuses a loose private key.
#pragma once

#include <string>
#include <vector>

#include "core/files.h"  // resolve_path, path_within

namespace jp {

/// One path a run is given, with the setting that names it (for the message).
struct PathSetting {
  enum class Role {
    read,     ///< read only: the export, keys, certificates, the configuration file
    file,     ///< a file the run writes (the database)
    output,   ///< the output folder: the run writes its own subfolders inside
    replaced  ///< the web root: rsync --delete makes it a copy of site/
  };
  std::string setting;  ///< `publish.to`, `out`, `db`, `input`, `site-key`, `--config`, ...
  std::string path;
  Role role = Role::read;
};

/// Why `resolved` may not be an output folder or a web root (`/`, the home folder, a
/// system folder or a folder inside /etc, /usr, ...); empty when it may.
std::string forbidden_folder(const std::string& resolved);

/// Throws naming both settings when an output or a web root is, contains or lies inside
/// another path of the run (the database may lie in the output folder, outside the
/// subfolders the run writes), when the database is another setting's file, or when an
/// output or web root is a system folder. Remote publish targets (HOST:PATH) are skipped.
void check_paths(const std::vector<PathSetting>& paths);

/// Secrets readable by group or others are refused (as ssh refuses a loose private key)
/// unless `allow_shared`; then it is a warning, returned. Missing files are left to the
/// reader that opens them, which names them.
std::vector<std::string> check_secret_modes(const std::vector<PathSetting>& secrets,
                                            bool allow_shared);

}  // namespace jp
