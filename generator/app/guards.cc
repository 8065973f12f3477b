#include "app/guards.h"

#include <fmt/format.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "app/config.h"
#include "core/files.h"

namespace jp {
namespace fs = std::filesystem;

namespace {

/// Folders that are the system's: never an output folder or a web root themselves.
constexpr const char* kSystemFolders[] = {
    "/",        "/bin",       "/boot",     "/dev",     "/etc",         "/home",
    "/lib",     "/lib32",     "/lib64",    "/libx32",  "/media",       "/mnt",
    "/opt",     "/proc",      "/root",     "/run",     "/sbin",        "/srv",
    "/sys",     "/tmp",       "/usr",      "/var",     "/var/backups", "/var/cache",
    "/var/lib", "/var/local", "/var/lock", "/var/log", "/var/mail",    "/var/opt",
    "/var/run", "/var/spool", "/var/tmp",  "/var/www", "/usr/local",   "/usr/share",
    "/dev/shm",
};
/// ... nor anything inside these (a web root in /etc/nginx would be wiped by rsync).
constexpr const char* kSystemTrees[] = {"/bin",   "/boot",   "/dev",  "/etc",  "/lib", "/lib32",
                                        "/lib64", "/libx32", "/proc", "/sbin", "/sys", "/usr"};

/// The subfolders a build writes in its output folder (publish/, app/build): the database
/// may sit in the output folder (scripts/run keeps it there), never in one of these.
constexpr const char* kOutputParts[] = {"site",    "private", "archive",      "extracts",
                                        "letters", "reports", ".journalpress"};

const char* role_word(PathSetting::Role r) {
  switch (r) {
    case PathSetting::Role::replaced:
      return "the web root";
    case PathSetting::Role::output:
      return "the output folder";
    case PathSetting::Role::file:
      return "the database";
    case PathSetting::Role::read:
      return "read";
  }
  return "";
}

std::string home_folder() {
  std::string home;
  if (const char* h = std::getenv("HOME"); h && *h) home = h;
  if (const passwd* pw = ::getpwuid(::getuid()); home.empty() && pw && pw->pw_dir)
    home = pw->pw_dir;
  return home.empty() ? std::string() : resolve_path(home);
}

bool remote(const PathSetting& p) {
  return p.role == PathSetting::Role::replaced && is_remote_target(p.path);
}

}  // namespace

std::string forbidden_folder(const std::string& resolved) {
  for (const char* f : kSystemFolders)
    if (resolved == f) return resolved == "/" ? "the root of the disk" : "a system folder";
  // /dev/shm is a tmpfs for anyone's files (the publishing test builds there).
  bool shm = path_within(resolved, "/dev/shm") && resolved != "/dev/shm";
  for (const char* t : kSystemTrees)
    if (path_within(resolved, t) && !shm) return fmt::format("inside the system folder {}", t);
  std::string home = home_folder();
  if (!home.empty() && resolved == home) return "the home folder";
  return {};
}

void check_paths(const std::vector<PathSetting>& paths) {
  using Role = PathSetting::Role;
  struct Resolved {
    const PathSetting* s;
    std::string real;
  };
  std::vector<Resolved> all;
  for (const auto& p : paths)
    if (!p.path.empty() && !remote(p)) all.push_back({&p, resolve_path(p.path)});
  auto name = [](const Resolved& r) {
    std::string given = r.s->path;
    while (given.size() > 1 && given.back() == '/') given.pop_back();
    return fmt::format("{} ({})", r.s->setting, given == r.real ? r.real : given + " = " + r.real);
  };
  for (const auto& a : all) {
    Role role = a.s->role;
    if (role == Role::output || role == Role::replaced) {
      // Inside a folder another output folder manages (its site/, private/, ...): that
      // folder's next build deletes whatever it did not write there, this output's state
      // and files with it, and until then this output's private files sit in its site.
      for (fs::path dir = fs::path(a.real).parent_path(); !dir.empty() && dir != dir.parent_path();
           dir = dir.parent_path()) {
        std::error_code ec;
        if (!fs::is_directory(dir / ".journalpress", ec)) continue;
        // This run's own output folder: the overlap checks below name both settings.
        if (std::any_of(all.begin(), all.end(), [&](const Resolved& r) {
              return r.s->role == Role::output && r.real == dir.string();
            }))
          continue;
        fs::path rel = fs::path(a.real).lexically_relative(dir);
        std::string first = rel.begin() == rel.end() ? "" : rel.begin()->string();
        if (std::find(std::begin(kOutputParts), std::end(kOutputParts), first) ==
            std::end(kOutputParts))
          continue;
        throw std::runtime_error(fmt::format(
            "{} lies inside {}, a folder the journalpress output folder {} manages: its next "
            "build would delete {} there; choose a folder outside it",
            name(a), (dir / first).string(), dir.string(),
            role == Role::replaced ? "the published copy" : "this output's files and state"));
      }
      std::string why = forbidden_folder(a.real);
      if (!why.empty())
        throw std::runtime_error(fmt::format(
            "{} may not be {}: {} is {}; {} would {} it", a.s->setting, role_word(role), a.real,
            why, role == Role::replaced ? "publishing" : "a build",
            role == Role::replaced ? "delete everything else in" : "write its folders into"));
    }
    for (const auto& b : all) {
      if (&a == &b) continue;
      if (role == Role::replaced || role == Role::output) {
        bool same = a.real == b.real, contains = path_within(b.real, a.real),
             inside = path_within(a.real, b.real);
        // The database may sit in the output folder, outside the subfolders a build writes.
        if (role == Role::output && b.s->role == Role::file && contains && !same) {
          fs::path rel = fs::path(b.real).lexically_relative(a.real);
          std::string first = rel.begin() == rel.end() ? "" : rel.begin()->string();
          if (std::find(std::begin(kOutputParts), std::end(kOutputParts), first) ==
              std::end(kOutputParts))
            continue;
        }
        // An output folder holds the web root's source, site/; the web root is checked
        // from its own side (below it would be `inside`).
        if (!same && !contains && !inside) continue;
        if (role == Role::output && b.s->role == Role::replaced) continue;  // reported by b
        std::string how = same ? "is the same as" : contains ? "contains" : "lies inside";
        throw std::runtime_error(fmt::format(
            "{} {} {}: {} may not overlap any other path of the run ({}); check the two settings",
            name(a), how, name(b), role_word(role),
            role == Role::replaced ? "publishing deletes everything in it that is not the site"
                                   : "a build writes and deletes its own folders in it"));
      }
      if (role == Role::file && a.real == b.real)
        throw std::runtime_error(fmt::format(
            "{} is the same file as {}: the database would overwrite it", name(a), name(b)));
    }
  }
}

std::vector<std::string> check_secret_modes(const std::vector<PathSetting>& secrets,
                                            bool allow_shared) {
  std::vector<std::string> warnings;
  for (const auto& s : secrets) {
    if (s.path.empty()) continue;
    struct stat st {};
    if (::stat(s.path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if ((st.st_mode & 077) == 0) continue;
    std::string what = fmt::format("{} {} has mode {:04o}: others than its owner can read it",
                                   s.setting, s.path, st.st_mode & 07777);
    if (!allow_shared)
      throw std::runtime_error(
          fmt::format("{}; `chmod 600 {}` (or --allow-shared-keys, where the group must read it)",
                      what, s.path));
    warnings.push_back("warning: " + what + " (allowed by --allow-shared-keys)");
  }
  return warnings;
}

}  // namespace jp
