#include "publish/run_lock.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <thread>

namespace jp {

namespace {

std::string read_fd(int fd) {
  std::string s;
  char buf[4096];
  for (off_t off = 0;;) {
    ssize_t n = ::pread(fd, buf, sizeof buf, off);
    if (n <= 0) break;
    s.append(buf, size_t(n));
    off += n;
  }
  return s;
}

}  // namespace

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

RunLock::RunLock(const std::filesystem::path& path, const std::string& what,
                 const LockOptions& lock) {
  fd_.reset(::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd_)
    throw std::runtime_error(
        fmt::format("cannot open {}: {}", path.string(), std::strerror(errno)));
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(static_cast<long long>(lock.wait_seconds * 1000));
  while (::flock(fd_.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      int err = errno;
      throw std::runtime_error(
          fmt::format("cannot lock {}: {}", path.string(), std::strerror(err)));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      std::string holder = read_fd(fd_.get());
      while (!holder.empty() && holder.back() == '\n') holder.pop_back();
      throw std::runtime_error(fmt::format(
          "{} is in use by another journalpress run ({}){}; try again later, or give --wait "
          "SECONDS",
          what, holder.empty() ? "it has just started" : holder,
          lock.wait_seconds > 0 ? fmt::format(", still after {:g} s", lock.wait_seconds) : ""));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::string me = fmt::format("pid {}, started {}: {}\n", ::getpid(), utc_now(), lock.command);
  if (::ftruncate(fd_.get(), 0) != 0 || ::pwrite(fd_.get(), me.data(), me.size(), 0) < 0) {
    // Only the message to a waiting run is lost; the lock itself holds.
  }
}

// Closing the descriptor (UniqueFd) releases the lock.
RunLock::~RunLock() = default;

}  // namespace jp
