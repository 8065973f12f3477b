// What the journal database keeps of earlier builds, keyed by school id so that it survives
// re-imports: access epochs of guardians (a revoke is a fact about the journal's people),
// and what the previous publication contained ("new since"). What is published in an
// output folder is that folder's own state (output_folder.h), not the database's.
#pragma once

#include <cstdint>
#include <map>
#include <utility>
#include <string>
#include <vector>

namespace jp {

class Db;

/// Access epochs of guardians (1 for a guardian never revoked).
std::map<std::string, long long> load_epochs(Db& db, const std::string& school);
/// Bumps a guardian's epoch; returns the new one. `at` is stored as when.
long long bump_epoch(Db& db, const std::string& school, const std::string& guardian,
                     const std::string& at);

/// What earlier publications contained, for "new since the last publication".
struct Publication {
  bool exists = false;
  std::string digest;                   ///< of the current item set
  std::vector<uint64_t> current;        ///< item keys of the latest publication
  std::vector<uint64_t> previous;       ///< of the one before the latest change
  std::string current_at, previous_at;  ///< school dates (YYYY-MM-DD)
};
Publication load_publication(Db& db, const std::string& school);
void save_publication(Db& db, const std::string& school, const Publication& p);

/// The day each guardian's current diary address was first printed in a letter, by
/// guardian: (access epoch, YYYY-MM-DD). An address revoked since has a newer epoch, so its
/// letter is due again.
std::map<std::string, std::pair<long long, std::string>> load_letters_issued(
    Db& db, const std::string& school);
/// Records letters printed now: (guardian, epoch) -> day.
void save_letters_issued(Db& db, const std::string& school,
                         const std::vector<std::pair<std::string, long long>>& letters,
                         const std::string& day);

/// Creates the build-state tables if this database predates them.
void ensure_build_state(Db& db);

}  // namespace jp
