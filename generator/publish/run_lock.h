// One run at a time: a flock() on a file, held for the life of a RunLock. The kernel drops
// a flock with its process, so a lock left by a killed run never blocks.
#pragma once

#include <filesystem>
#include <string>

#include "core/unique_fd.h"

namespace jp {

struct LockOptions {
  /// Seconds to wait for another run holding the lock; 0: refuse at once.
  double wait_seconds = 0;
  /// What this run is, as another run waiting for it is told (the command line).
  std::string command;
};

class RunLock {
 public:
  /// Opens `path` (made 0600 if missing; never through a link) and locks it, waiting up to
  /// `lock.wait_seconds`; then writes this run's pid, start time and command into it. If
  /// another run holds it still, throws "`what` is in use by another journalpress run (pid
  /// ..., started ...: COMMAND); try again later, or give --wait SECONDS".
  RunLock(const std::filesystem::path& path, const std::string& what, const LockOptions& lock);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  UniqueFd fd_;  ///< closing it releases the lock
};

/// The time now, as the lock file and the state write it: "2026-12-02 03:00:01 UTC".
std::string utc_now();

}  // namespace jp
