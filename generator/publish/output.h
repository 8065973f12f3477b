// One shape for every output (the site, the archive, the extracts, the letters, the
// reports): what it depends on (a fingerprint), which folders it publishes, how it renders
// into their writers. `app/build` is a loop over the outputs asked for: each is prepared
// (its keys and options checked before any work), skipped when up to date, and otherwise
// rendered once the journal is read. Adding an output is a class in its stage's folder and
// a line in the driver, not an edit of every step of a build.
#pragma once

#include <chrono>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/dates.h"
#include "publish/writer.h"

namespace jp {

class Db;
class DiaryIndex;
struct Journal;
class OutputFolder;
class ThreadPool;

/// What an output wrote (for `nightly`'s summary and the run record).
struct OutputCounts {
  std::string output;  ///< "site", "archive", "extracts", "letters", "reports"
  size_t written = 0, unchanged = 0, deleted = 0;
};

/// What every output of one build shares, set up once by the driver.
struct BuildContext {
  Day today = 0;
  bool dry_run = false;
  bool full = false;  ///< `--full`: render everything, whatever the fingerprints say
  std::string out;    ///< the output folder, as given
  /// The journal's content digest as stored ("" for a database from before digests: then
  /// nothing is taken for up to date).
  std::string content_digest;
  /// The version and the templates the outputs are made from (a new release renders again).
  std::string templates_digest;
  Db* db = nullptr;  ///< the journal database
  OutputFolder* folder = nullptr;
  ThreadPool* pool = nullptr;
  std::ostream* log = nullptr;
  std::vector<OutputCounts>* counts = nullptr;  ///< filled if given
  /// The process ends soon after the build (the command line; `nightly`, after publishing):
  /// what is large and no longer needed once committed (a writer's rows of 100,000 paths)
  /// is left to the operating system rather than freed piece by piece.
  bool exit_after = false;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  /// Seconds since the build started.
  double seconds() const;
  /// Records a phase's time for --timings.
  std::function<void(const std::string&)> mark = [](const std::string&) {};

  /// The writer of `output` ("site", "archive/2023-2024"); one made earlier in this build
  /// (by the up-to-date check, which loads its state) is handed over rather than made again.
  std::unique_ptr<Writer> writer(const std::string& output, const WriterOptions& options = {});
  /// Keeps a writer made by a check for the render step.
  void keep_writer(std::unique_ptr<Writer> w);
  /// The writer of `output` kept by a check, or null.
  std::unique_ptr<Writer> take_kept(const std::string& output);
  /// Commits `w`, counts it under `output` and says what the disk check had put right.
  WriteStats commit(Writer& w, const std::string& output,
                    const std::function<void(Db&)>& in_transaction = {});
  /// " (dry run, nothing written)" in a dry run, else "".
  const char* dry() const { return dry_run ? " (dry run, nothing written)" : ""; }
  /// Prints what a writer's disk check found changed by hand (put right by this build).
  void report_repairs(const Writer& w);

 private:
  std::map<std::string, std::unique_ptr<Writer>> kept_;
};

/// A folder an output publishes: the writer's output name and options.
struct PublishedFolder {
  std::string name;  ///< "site", "private", "archive/2023-2024"
  WriterOptions options;
};

class Output {
 public:
  virtual ~Output() = default;
  virtual std::string name() const = 0;
  /// Checks what the output needs before any work is done (keys, a signer, options
  /// against the journal's dates), throwing with what is wrong; sets up its fingerprint.
  virtual void prepare(BuildContext&) {}
  /// Prepared before the others and before the build's warnings on its inputs: its
  /// settings hold credentials that can refuse the whole build (the archive's signer),
  /// and that refusal should be the first thing said.
  virtual bool prepared_first() const { return false; }
  /// Draws PDFs: the build then says which names have a character no font can draw.
  virtual bool prints() const { return true; }
  /// The folders it publishes; the first records the fingerprint. Known after prepare().
  virtual std::vector<PublishedFolder> folders() const = 0;
  /// The digest of everything its files depend on; "" when it has none as a whole (it is
  /// then always rendered, its files' own fingerprints skipping what did not change).
  virtual std::string fingerprint() const { return ""; }
  /// What the fingerprint covers, for the "up to date" line ("journal, date and templates").
  virtual std::string depends_on() const { return "journal, date and templates"; }
  /// Whether a complete build of it may publish no file at all (a night without a new
  /// letter): its empty folder can then be up to date. Else an empty folder is rendered.
  virtual bool may_be_empty() const { return false; }
  /// Work that may overlap the journal's reading (loading a writer's state).
  virtual void before_read(BuildContext&) {}
  /// Work that may overlap the building of the journal's index (reading what depends on
  /// the journal alone). Not on `ctx.db`: a connection is used by one thread at a time.
  virtual void after_read(BuildContext&, const Journal&) {}
  /// Waits for the work before_read and after_read began and drops what render did not
  /// take (the driver calls it before the journal, the output folder and its lock go, also
  /// when a build fails before render). Must not throw.
  virtual void settle() {}
  /// Checks against the journal once it is read, before any output publishes (a period
  /// the journal does not have), throwing with what is wrong.
  virtual void check(BuildContext&, const DiaryIndex&) {}
  /// Renders into its writers, commits them, and prints its summary line.
  virtual void render(BuildContext&, const DiaryIndex& ix) = 0;
};

/// True, with the output's "up to date" line printed and counted, when its fingerprint is
/// the one its first folder recorded at the last complete build and every folder is on
/// disk as published: there is nothing to render (the nightly no-change case).
bool up_to_date(Output& o, BuildContext& ctx);

}  // namespace jp
