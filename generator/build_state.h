// The state of earlier builds, kept in the database next to the journal and keyed by
// school id so that it survives re-imports: published files and their hashes, access
// epochs of guardians, and what the previous publication contained.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "writer.h"

namespace jp {

class Db;

/// Published files of one output (`archive/2023-2024`, ...): path -> SHA-256.
FileHashes load_published(Db& db, const std::string& school, const std::string& output);
/// The same with each path's input fingerprint (site pages: see site_inputs.h), as the
/// writer takes them (the site: ~100,000 rows).
std::vector<PublishedFile> load_published_files(Db& db, const std::string& school,
                                                const std::string& output);
/// Records the files of a finished build: `state` for the changed paths, and the removed
/// ones; with fingerprints, also the paths whose fingerprint alone changed.
void save_published(Db& db, const std::string& school, const std::string& output,
                    const FileHashes& state, const std::vector<std::string>& changed,
                    const std::vector<std::string>& removed,
                    const FileHashes* fingerprints = nullptr,
                    const std::vector<std::string>* refingerprinted = nullptr);

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

/// Creates the build-state tables if this database predates them.
void ensure_build_state(Db& db);

}  // namespace jp
