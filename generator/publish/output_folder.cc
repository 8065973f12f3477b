#include "publish/output_folder.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <stdexcept>

#include "publish/writer.h"
#include "store/sqlite.h"
#include "publish/disk.h"

namespace jp {
namespace fs = std::filesystem;

namespace {

/// A file name for an output ("archive/2023-2024" -> "archive+2023-2024").
std::string key_of(const std::string& output) {
  std::string k = output;
  for (auto& c : k)
    if (c == '/') c = '+';
  return k;
}

struct StepCounter {
  long long limit = -1, count = 0;
  StepCounter() {
    if (const char* v = std::getenv("JOURNALPRESS_TEST_KILL_AFTER")) limit = std::atoll(v);
  }
  ~StepCounter() {
    if (limit == 0) std::fprintf(stderr, "publish steps: %lld\n", count);
  }
};
StepCounter& steps() {
  static StepCounter s;
  return s;
}
std::atomic<long long> step_count{0};

}  // namespace

FileStat file_stat(const struct stat& st) {
  return {static_cast<long long>(st.st_size),
          static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec,
          static_cast<long long>(st.st_ino)};
}

void publish_step() {
  StepCounter& s = steps();
  if (s.limit < 0) return;
  long long n = ++step_count;
  s.count = n;
  if (s.limit > 0 && n == s.limit) ::kill(::getpid(), SIGKILL);
}

void publish_mark(const std::string& what) {
  StepCounter& s = steps();
  if (s.limit == 0)
    std::fprintf(stderr, "publish step %lld: %s\n", step_count.load(), what.c_str());
}

fs::path make_state_dir(const fs::path& dir) {
  fs::create_directories(dir);
  fs::path state_dir = dir / ".journalpress";
  struct stat st {};
  if (::lstat(state_dir.c_str(), &st) == 0 && !S_ISDIR(st.st_mode))
    throw std::runtime_error(fmt::format(
        "{} is not a folder (a link or a file): it is where journalpress keeps the state of "
        "{}; move it away",
        state_dir.string(), dir.string()));
  if (::mkdir(state_dir.c_str(), 0700) != 0 && errno != EEXIST)
    throw std::runtime_error(
        fmt::format("cannot create {}: {}", state_dir.string(), std::strerror(errno)));
  ::chmod(state_dir.c_str(), 0700);
  return state_dir;
}

OutputFolder::OutputFolder(fs::path dir, const LockOptions& lock, bool dry_run, ThreadPool* pool,
                           Disk* disk)
    : dir_(std::move(dir)),
      state_dir_(dir_ / ".journalpress"),
      dry_run_(dry_run),
      pool_(pool),
      disk_(disk ? disk : &real_disk()) {
  if (dry_run_) {
    std::error_code ec;
    if (fs::exists(state_dir_ / "state.db", ec))
      db_ = std::make_unique<Db>((state_dir_ / "state.db").string(), false);
    open_content_hash();
    return;
  }
  make_state_dir(dir_);

  // One run at a time: the lock is held until this object goes (or the process dies,
  // which is why a lock left by a killed run never blocks).
  lock_ = std::make_unique<RunLock>(state_dir_ / "lock", dir_.string(), lock);

  fs::path state = state_dir_ / "state.db";
  long long version = 0;
  auto open_state = [&] {
    OpenedOutputState opened = open_output_state(state.string());
    db_ = std::move(opened.db);
    version = opened.version;
  };
  try {
    open_state();
  } catch (const std::runtime_error& e) {
    db_.reset();
    // A full disk, a read-only folder or a lock held elsewhere say nothing of the file: it is
    // left as it is, and the build stops (a state set aside would lose what was published).
    if (!output_state_is_damaged(state.string()))
      throw std::runtime_error(fmt::format(
          "{} could not be opened ({}); it is left as it is: free space or fix the folder's "
          "permissions, then run again",
          state.string(), e.what()));
    // Not a database any more (a power loss, a disk error): set aside, learnt again.
    fs::path aside = state;
    aside += ".damaged";
    std::error_code ec;
    fs::rename(state, aside, ec);
    for (const char* x : {"-wal", "-shm"}) fs::remove(fs::path(state.string() + x), ec);
    std::fprintf(stderr,
                 "journalpress: %s could not be read (%s); it was moved to %s, and this build "
                 "compares every published file by content\n",
                 state.c_str(), e.what(), aside.c_str());
    open_state();
  }
  if (version > kOutputStateVersion)
    throw std::runtime_error(
        fmt::format("{} was written by a newer journalpress (state version {}, this one knows {})",
                    state.string(), version, kOutputStateVersion));
  stamp_output_state(*db_);
  open_content_hash();
  recover();
  // Files of earlier versions of journalpress, which kept their staging beside the outputs.
  for (const auto& e : fs::directory_iterator(dir_)) {
    std::string n = e.path().filename().string();
    if (n.rfind(".jp-staging-", 0) == 0 || n.rfind(".jp-pack-", 0) == 0 ||
        n.rfind(".jp-commit-", 0) == 0) {
      std::error_code ec;
      fs::remove_all(e.path(), ec);
    }
  }
}

namespace {
constexpr const char* kContentKey = "content-hash-key";
}

void OutputFolder::open_content_hash() {
  std::string key = db_ ? read_state_secret(*db_, kContentKey) : "";
  if (key.size() != ContentHash::kKeyBytes) {
    // A new state (or one of version 1, or a key cut short by hand): a new key. The rows'
    // hashes made under another key then no longer match, and those files are compared by
    // content or written again: never taken as unchanged by mistake.
    key = ContentHash::new_key();
    if (db_ && !dry_run_) write_state_secret(*db_, kContentKey, key);
  }
  content_hash_ = std::make_unique<ContentHash>(key);
}

Disk& OutputFolder::disk() const { return *disk_; }

OutputFolder::~OutputFolder() {
  db_.reset();
  lock_.reset();
}

void OutputFolder::recover() {
  if (!db_ || dry_run_) return;
  // Roll forward: the state already says what the plan publishes.
  for (const auto& p : pending_plans(*db_)) {
    auto overwritten = apply_plan(dir_, p.plan, dir_ / p.pack, true, pool_, *disk_);
    Transaction tx(*db_, Transaction::immediate);
    OutputFilesWriter rows(*db_, p.output);
    for (const auto& [path, s] : overwritten) rows.update_stat(path.substr(p.output.size() + 1), s);
    clear_pending_plan(*db_, p.output);
    tx.commit();
  }
  // What a run killed before its commit point staged is dropped: its publication never
  // began. (Listed first, then removed: a folder is not changed while it is read.)
  std::vector<std::string> stale;
  {
    std::unique_ptr<Disk::Folder> folder = disk_->open_folder(state_dir_);
    std::string n;
    Disk::Entry e;
    while (folder->next(n, e))
      if (n.rfind("staging-", 0) == 0 || n.rfind("pack-", 0) == 0) stale.push_back(n);
  }
  for (const auto& n : stale) disk_->remove_all(state_dir_ / n);
}

std::string OutputFolder::build_fingerprint(const std::string& output) {
  if (!db_) return "";
  return read_build_fingerprint(*db_, output);
}

fs::path OutputFolder::staging_for(const std::string& output) const {
  return state_dir_ / ("staging-" + key_of(output));
}

fs::path OutputFolder::pack_for(const std::string& output) const {
  return state_dir_ / ("pack-" + key_of(output));
}

void save_build_fingerprint(Db& state, const std::string& output, const std::string& fingerprint,
                            const std::string& today) {
  write_build_fingerprint(state, output, fingerprint, utc_now(), today);
}

}  // namespace jp
