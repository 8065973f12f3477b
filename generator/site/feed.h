// A family's feed of what is new (Atom, RFC 4287), `feed.atom` in its area: new marks,
// final marks, remarks and absences of the family's children, newest first, for a feed
// reader or a messenger bot (docs/site.md, "Calendar and feed"). Each entry's id is a
// urn:uuid made of the school and the record's own ids, so the same mark keeps its id
// across builds and a reader shows only what it has not seen; `updated` is the record's
// own time (its entry or last change in the journal), never the build's.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/wording.h"
#include "figures/diary.h"
#include "figures/new_since.h"
#include "site/per_child.h"

namespace jp {

class ThreadPool;

struct FeedOptions {
  Day today = 0;
  /// A stable secret-derived name of the family's area (its folder): the feed's own id.
  std::string area;
  /// Entries link to the child's pages (plain mode). Not in encrypted mode: a link there
  /// would carry the family key, and the feed itself is readable by the host.
  bool links = true;
  /// What the previous publication held: a mark, final mark or remark new since then is
  /// listed even when its own time is older than the feed's weeks (a mark entered late
  /// for an old lesson), for as long as it is new.
  const NewSince* since = nullptr;
};

/// What every family's feed of one build reads, worked out once for the build rather than
/// once per family: each mark's last change and, for each mark, final mark and remark,
/// whether it is new since the previous publication. Read-only after construction, so the
/// families' feeds are made on all cores from one source.
class FeedSource {
 public:
  /// `pool`: the cores the "new since" flags are worked out on (none: this thread).
  FeedSource(const DiaryIndex& ix, const NewSince* since, ThreadPool* pool = nullptr);
  ~FeedSource();
  /// Says that family(children, ...) will be asked for: a child of several families then has
  /// its entries made once for all of them. Before any family(), from one thread.
  void expect(const std::vector<int>& children);
  /// The feed of the given children (one family); `o.since` must be the source's.
  std::string family(const std::vector<int>& children, const Locale& loc,
                     const FeedOptions& o) const;

 private:
  struct Entry;
  /// A child's entries and the options they were made with.
  struct Made;
  std::vector<Entry> child_entries(int child, const Locale& loc, const FeedOptions& o) const;
  const DiaryIndex& ix_;
  int offset_;  ///< the school zone's offset from UTC, minutes: read once (it is a file)
  PerChild<Made> entries_;
  std::vector<int64_t> changed_;  ///< by mark: its last change (UTC seconds), 0 none
  /// By record: new since the previous publication (marks, final marks, remarks).
  std::vector<char> fresh_mark_, fresh_final_, fresh_remark_;
};

/// One family's feed, with a source of its own (a build of many families shares one).
std::string family_feed(const DiaryIndex& ix, const std::vector<int>& children, const Locale& loc,
                        const FeedOptions& o);

/// `urn:uuid:` of a name (RFC 9562 version 8: the first 128 bits of its SHA-256).
std::string name_uuid(const std::string& name);

}  // namespace jp
