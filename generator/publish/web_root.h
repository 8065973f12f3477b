// The web root that `nightly` publishes site/ into with rsync --delete: everything in it
// that is not the site is deleted, so it must be a folder that journalpress made for that.
// The first publish into an empty folder writes a marker file in it; a non-empty folder
// without the marker (a stranger's files, a mistyped path) is refused, listing what it
// holds, and so is one whose marker names another output folder (two schools' configs
// with one web root would delete each other's families every night).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace jp {

/// The marker's name in the web root; rsync is told to keep it, nginx never serves it.
constexpr const char* kWebRootMarker = ".journalpress-webroot";

/// Throws unless `to` may be published into by the output folder `out` (both local
/// folders): it holds the marker of `out`, or is empty, or holds only what a site holds
/// (a web root published before the marker existed). Writes nothing.
void check_web_root(const std::string& to, const std::string& out);

/// check_web_root, then writes the marker if it is missing.
void claim_web_root(const std::string& to, const std::string& out);

/// What publishing `site` into `to` needs on `to`'s file system, and what it has.
struct PublishSpace {
  uint64_t needed_bytes = 0, available_bytes = 0;
  uint64_t needed_inodes = 0, available_inodes = 0;
  std::string device;  ///< the file system's source (`/dev/sda1`, `tmpfs`), or `to`
  bool enough() const {
    return needed_bytes <= available_bytes && needed_inodes <= available_inodes;
  }
};
/// rsync --delay-updates writes every new or changed file (by size and time, as rsync
/// compares them) beside the old one before it deletes anything: the new bytes (in blocks)
/// and an inode per file and new folder are needed at once.
PublishSpace publish_space(const std::string& site, const std::string& to);

/// "no space left on DEVICE (needs N MB, has M MB)" for `s`, and the inodes if short.
std::string no_space_message(const PublishSpace& s);

/// The folders under `to` (relative paths), to put a failed publish back with
/// undo_failed_publish.
std::vector<std::string> list_folders(const std::string& to);
/// After rsync failed: removes its `.~tmp~` folders (the files it had not moved into place
/// yet) and the folders it made that were not there before (`before`, from list_folders),
/// when empty. Returns what it could not remove, in words (empty when all went).
std::string undo_failed_publish(const std::string& to, const std::vector<std::string>& before);

}  // namespace jp
