#include "app/nightly.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <tuple>

#include "app/config.h"
#include "app/run_record.h"
#include "core/dates.h"
#include "core/unique_fd.h"
#include "publish/output_folder.h"
#include "publish/run_lock.h"
#include "publish/web_root.h"

namespace jp {
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

/// A publish that failed with the web root as it was before (checked, or put back).
struct PublishRefused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string last_line(const std::string& text) {
  std::string t = trimmed(text);
  auto nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

/// How a run reports: in text, each step's own report as it ends and a progress line on a
/// terminal while it runs; in JSON, one line per step (for journald or a log collector).
class Log {
 public:
  Log(const NightlyOptions& o, std::ostream& out, std::ostream& err)
      : o_(o), out_(out), err_(err), tty_(!o.json && !o.quiet && ::isatty(STDERR_FILENO)) {}
  ~Log() { stop_progress(); }

  /// A step begins: on a terminal, a line that counts its seconds (and files, if any).
  void begin(const std::string& step, int number, int total) {
    step_ = step;
    started_ = Clock::now();
    counter_ = 0;
    if (!tty_) return;
    stop_ = false;
    ticker_ = std::thread([this, number, total] {
      std::unique_lock<std::mutex> lock(m_);
      while (!stop_) {
        size_t n = counter_.load();
        std::string line =
            fmt::format("\r\033[K[{}/{}] {}: {:.0f} s{}", number, total, step_,
                        seconds_since(started_), n ? fmt::format(", {} files", n) : std::string());
        (void)!::write(STDERR_FILENO, line.data(), line.size());
        cv_.wait_for(lock, std::chrono::milliseconds(250));
      }
      (void)!::write(STDERR_FILENO, "\r\033[K", 4);
    });
  }
  /// Progress within the step (files sent).
  void count(size_t n) { counter_ = n; }

  /// A step ended: `status` done, skipped, refused or failed; `report` is its own output.
  void end(const std::string& status, const std::string& report) {
    stop_progress();
    double secs = seconds_since(started_);
    if (o_.json) {
      line({{"step", step_},
            {"status", status},
            {"seconds", round2(secs)},
            {"message", trimmed(report)}});
    } else if (!o_.quiet && !report.empty()) {
      out_ << trimmed(report) << "\n";
    }
    out_.flush();
  }

  void summary(int exit_code, const std::string& text) {
    if (o_.json)
      line({{"step", "summary"},
            {"status", exit_code == 0   ? "done"
                       : exit_code == 1 ? "refused"
                                        : "failed"},
            {"exit", exit_code},
            {"message", text}});
    else
      out_ << text << "\n";
    out_.flush();
  }

  /// Text a failure needs beyond the summary (the import's errors): in text on stderr, even
  /// with --quiet; in JSON it is the step's message already.
  void detail(const std::string& text) {
    if (!o_.json && !trimmed(text).empty()) err_ << trimmed(text) << "\n";
  }

 private:
  static double round2(double s) { return double(static_cast<long long>(s * 100 + 0.5)) / 100; }
  void line(const nlohmann::ordered_json& j) {
    // Ordered: time, config and step first, as a reader scans them.
    nlohmann::ordered_json head = {{"time", utc_now_iso()}, {"config", o_.config_file}};
    for (const auto& [k, v] : j.items()) head[k] = v;
    out_ << head.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
  void stop_progress() {
    if (!ticker_.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(m_);
      stop_ = true;
    }
    cv_.notify_all();
    ticker_.join();
  }

  const NightlyOptions& o_;
  std::ostream &out_, &err_;
  bool tty_;
  std::string step_;
  Clock::time_point started_ = Clock::now();
  std::atomic<size_t> counter_{0};
  std::thread ticker_;
  std::mutex m_;
  std::condition_variable cv_;
  bool stop_ = false;
};

/// Runs rsync (never through a shell) and counts its itemized lines as they come.
RsyncCounts run_rsync(const std::vector<std::string>& args, Log& log) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw std::runtime_error(fmt::format("cannot make a pipe for rsync: {}", std::strerror(errno)));
  // Owned at once: a failed fork closes both ends.
  UniqueFd from_rsync(fds[0]), to_parent(fds[1]);
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0)
    throw std::runtime_error(fmt::format("cannot start rsync: {}", std::strerror(errno)));
  if (pid == 0) {
    // rsync goes with a nightly that is killed, rather than publish on its own.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(126);
    ::dup2(to_parent.get(), STDOUT_FILENO);
    ::dup2(to_parent.get(), STDERR_FILENO);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  to_parent.reset();  // rsync's end: the reads below end when rsync does
  RsyncCounts counts;
  std::string pending, messages;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(from_rsync.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(buf, size_t(n));
    size_t start = 0, nl;
    while ((nl = pending.find('\n', start)) != std::string::npos) {
      std::string line = pending.substr(start, nl - start);
      if (!count_rsync_line(line, counts) && messages.size() < 4000) messages += line + "\n";
      start = nl + 1;
    }
    pending.erase(0, start);
    log.count(counts.sent);
  }
  from_rsync.reset();
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
    throw std::runtime_error(
        "cannot run rsync: is it installed? (Debian package rsync; nightly publishes with it)");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error(
        fmt::format("rsync {}: {}",
                    WIFEXITED(status) ? fmt::format("failed (exit code {})", WEXITSTATUS(status))
                                      : fmt::format("was killed (signal {})", WTERMSIG(status)),
                    trimmed(messages).empty() ? "no message" : trimmed(messages)));
  return counts;
}

/// rsync's command for the site: only what changed is sent (files keep their times), what
/// the build deleted is deleted, and the changed files are moved into place together at the
/// end (--delay-updates) so that readers meet a half-updated site for as short a time as
/// possible. The web root is readable by the web server (D755, F644); it is the site's
/// alone: anything else in it is deleted.
std::vector<std::string> rsync_args(const std::string& site, const PublishTarget& p) {
  std::vector<std::string> a = {"rsync",           "--recursive",       "--times",
                                "--perms",         "--chmod=D755,F644", "--delete-after",
                                "--delay-updates", "--itemize-changes", "--timeout=600",
                                // the marker that makes the folder a web root stays
                                std::string("--exclude=/") + kWebRootMarker};
  if (!p.ssh.empty()) a.push_back("--rsh=" + p.ssh);
  a.push_back(site + "/");
  std::string to = p.to;
  if (to.back() != '/') to += '/';
  a.push_back(to);
  return a;
}

std::string plural(size_t n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

}  // namespace

bool count_rsync_line(const std::string& line, RsyncCounts& c) {
  // YXcstpoguax NAME: Y is < (sent), > (received: a local copy), c (created), h, . (no
  // change to the content), * (a message: *deleting); X is f for a file, d for a folder.
  if (line.rfind("*deleting ", 0) == 0) {
    if (line.back() != '/') ++c.deleted;
    return true;
  }
  if (line.size() > 12 && line[11] == ' ' && std::strchr("<>ch.", line[0]) &&
      std::strchr("fdLDS", line[1])) {
    if ((line[0] == '<' || line[0] == '>') && line[1] == 'f') ++c.sent;
    return true;
  }
  return false;
}

int run_nightly(const NightlyOptions& o, std::ostream& out, std::ostream& err) {
  auto started = Clock::now();
  Log log(o, out, err);
  std::string run = "nightly " + o.config_file;
  bool publish = !o.publish.to.empty();
  int total = publish ? 3 : 2;
  std::string step = "lock";
  std::string summary;
  RunRecord record;
  record.config = o.config_file;
  record.started = utc_now_iso();
  // Every way out of the run says so in the status file too (`--status-file`).
  auto finish = [&](int code, const char* status) {
    log.summary(code, summary);
    if (o.status_file.empty()) return code;
    record.exit = code, record.status = status, record.message = summary;
    record.step = code == 0 ? "" : step;
    record.finished = utc_now_iso();
    record.seconds = seconds_since(started);
    try {
      write_run_record(o.status_file, record);
    } catch (const std::exception& e) {
      err << "journalpress: warning: cannot write the status file: " << e.what() << "\n";
    }
    return code;
  };
  try {
    // The web root is refused before any work (even before the output folder is made),
    // not after a build: a stranger's folder, another school's web root (publish/web_root.h).
    bool local = publish && !is_remote_target(o.publish.to);
    step = "web root";
    if (local) check_web_root(o.publish.to, o.build.out);

    // One nightly run per output folder, for all its steps (a build alone locks only its
    // own part); a second one refuses at once, or waits with --wait.
    step = "lock";
    fs::path state_dir = make_state_dir(o.build.out);
    RunLock lock(state_dir / "nightly.lock", o.build.out + " (nightly)",
                 LockOptions{o.build.wait_seconds, o.build.command});

    step = "import";
    log.begin(step, 1, total);
    ImportReport imported;
    ImportOptions io = o.import;
    io.allow_shrink = false;  // a shrink is imported by hand, never by the timer
    io.accept_older = false;  // so is an older export
    io.report = &imported;
    std::ostringstream iout, ierr;
    int rc = run_import(io, iout, ierr);
    std::string note;
    for (const auto& w : o.key_warnings) note += w + "\n";
    for (auto [set, key, what] :
         {std::tuple{o.shrink_in_file, "allow-shrink", "a shrinking import"},
          std::tuple{o.older_in_file, "accept-older", "an older export"}})
      if (set)
        note += fmt::format(
            "note: {} in the configuration applies to `import --config` only; nightly always "
            "refuses {}\n",
            key, what);
    if (rc != 0) {
      log.end("refused", note + ierr.str());
      log.detail(ierr.str());
      summary =
          fmt::format("{}: input refused in {:.1f} s: {}; nothing was built or published (exit 1)",
                      run, seconds_since(started), last_line(ierr.str()));
      // The region's status names what was wrong, not only that something was.
      std::istringstream errors(ierr.str());
      int lines = 0;
      for (std::string line; lines < 10 && std::getline(errors, line); ++lines)
        record.detail += (lines ? "\n" : "") + line;
      return finish(1, "refused");
    }
    log.end("done", note + iout.str() + ierr.str());
    record.students = imported.students, record.marks = imported.marks;
    record.warnings = imported.warnings;

    step = "build";
    log.begin(step, 2, total);
    BuildReport built;
    BuildOptions bo = o.build;
    bo.report = &built;
    std::ostringstream bout;
    run_build(bo, bout);
    log.end("done", bout.str());

    std::string published = "not published (no publish.to)";
    if (publish) {
      step = "publish";
      log.begin(step, 3, total);
      if (!built.site) {
        log.end("skipped", "publish: the configuration builds no site; nothing to publish");
        published = "nothing published (no site built)";
      } else {
        std::string site = (fs::path(o.build.out) / "site").string();
        std::vector<std::string> folders_before;
        if (local) {
          // A full disk is found before rsync starts, not by its broken pipe halfway.
          PublishSpace space = publish_space(site, o.publish.to);
          if (!space.enough())
            throw PublishRefused(no_space_message(space) + " to publish into " + o.publish.to);
          claim_web_root(o.publish.to, o.build.out);
          folders_before = list_folders(o.publish.to);
        }
        RsyncCounts c;
        try {
          c = run_rsync(rsync_args(site, o.publish), log);
        } catch (const std::exception& e) {
          if (!local) throw;
          // rsync moves files into place only at its end (--delay-updates): what it left
          // is its temporary folders and the new folders it made; remove them.
          std::string left = undo_failed_publish(o.publish.to, folders_before);
          std::string why = e.what();
          if (why.find("No space left on device") != std::string::npos) {
            PublishSpace space = publish_space(site, o.publish.to);
            why = no_space_message(space) + " while publishing into " + o.publish.to;
          }
          if (!left.empty()) throw std::runtime_error(why + "; could not remove " + left);
          throw PublishRefused(why);
        }
        published = fmt::format("published to {} ({} sent, {} deleted)", mask_secrets(o.publish.to),
                                plural(c.sent, "file", "files"), c.deleted);
        record.published = true, record.published_to = mask_secrets(o.publish.to);
        log.end("done", "publish: " + published);
      }
    }

    std::string outputs;
    for (const auto& c : built.outputs)
      outputs +=
          fmt::format("{}{} ({} written, {} unchanged, {} deleted)", outputs.empty() ? "" : ", ",
                      c.output, c.written, c.unchanged, c.deleted);
    // The build's warnings (today outside the data, a readable database) reach the one line
    // a timer's journal shows, even with --quiet.
    std::string warned;
    for (const auto& w : built.warnings) warned += "; warning: " + w;
    summary = fmt::format("{}: done in {:.1f} s: imported {}, {} ({}); built {}; {}{}", run,
                          seconds_since(started), plural(imported.students, "student", "students"),
                          plural(imported.marks, "mark", "marks"),
                          plural(imported.warnings, "warning", "warnings"),
                          outputs.empty() ? "nothing" : outputs, published, warned);
    record.outputs = built.outputs;
    return finish(0, "done");
  } catch (const std::exception& e) {
    if (step != "lock" && step != "web root") log.end("failed", e.what());
    bool untouched = dynamic_cast<const PublishRefused*>(&e) != nullptr;
    std::string after = step == "publish" && !untouched
                            ? "the web root may be partly updated: the next run completes it"
                        : step == "publish" ? "the web root was left as it was"
                                            : "nothing was published";
    summary = fmt::format("{}: FAILED at {} in {:.1f} s: {}; {} (exit 2)", run, step,
                          seconds_since(started), e.what(), after);
    return finish(2, "failed");
  }
}

}  // namespace jp
