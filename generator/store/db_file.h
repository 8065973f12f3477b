// The journal database's file holds every pupil's marks, absences and guardians: it is made
// readable by its owner only, in a folder others cannot write to, and a build says so when
// it finds it otherwise (a copy made with `cp`, a database from before this rule).
#pragma once

#include <optional>
#include <string>

namespace jp {

/// Makes the missing folders of `path` (0700) and an empty file `path` of mode 0600 for
/// SQLite to fill; an existing file is left as it is. Throws with the path and the reason.
void create_private_db_file(const std::string& path);

/// The warning (without "warning: ") when the database `path` is readable by others than its
/// owner's group, or its folder is writable by everyone; nothing when it is private enough.
std::optional<std::string> db_exposure_warning(const std::string& path);

}  // namespace jp
