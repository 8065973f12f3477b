#include "site/feed.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/dates.h"
#include "core/hash.h"
#include "core/markdown.h"
#include "core/text.h"
#include "core/thread_pool.h"
#include "figures/rules.h"
#include "site/render_html.h"

namespace jp {
namespace {

/// What the feed lists: the last weeks, at most this many entries (a reader that polls
/// daily needs far less; an old item is on the diary's pages).
constexpr Day kFeedDays = 45;
constexpr size_t kMaxEntries = 100;

/// RFC 3339 in the school's offset: `2024-02-12T12:00:00+03:00`.
std::string rfc3339(int64_t utc, int offset_minutes) {
  int64_t local = utc + int64_t(offset_minutes) * 60;
  Day d = Day(local >= 0 ? local / 86400 : (local - 86399) / 86400);
  int s = int(local - int64_t(d) * 86400);
  int a = std::abs(offset_minutes);
  return fmt::format("{}T{:02}:{:02}:{:02}{}{:02}:{:02}", format_date(d), s / 3600, s / 60 % 60,
                     s % 60, offset_minutes < 0 ? '-' : '+', a / 60, a % 60);
}

}  // namespace

/// An entry of a child's, its `<entry>` element written once for all the child's families.
struct FeedSource::Entry {
  int64_t updated = 0;  ///< UTC seconds
  std::string id;
  bool fresh = false;  ///< new since the previous publication
  std::string xml;     ///< `<entry>...</entry>\n`
};

struct FeedSource::Made {
  /// Shared: a family's feed holds them past its use of the PerChild slot, which the last
  /// family to use it empties.
  std::shared_ptr<const std::vector<Entry>> entries;
  Day today = 0;
  bool links = false;
  const Locale* loc = nullptr;
  void swap(Made& other) noexcept { std::swap(*this, other); }
};

std::string name_uuid(const std::string& name) {
  std::string h = sha256_hex(name).substr(0, 32);
  h[12] = '8';                                                  // version 8
  h[16] = "89ab"[std::stoi(h.substr(16, 1), nullptr, 16) & 3];  // RFC 9562 variant
  return fmt::format("urn:uuid:{}-{}-{}-{}-{}", h.substr(0, 8), h.substr(8, 4), h.substr(12, 4),
                     h.substr(16, 4), h.substr(20));
}

FeedSource::FeedSource(const DiaryIndex& ix, const NewSince* since, ThreadPool* pool)
    : ix_(ix),
      offset_(school_offset_minutes(ix.journal().school)),
      entries_(ix.journal().students.size()), changed_(ix.journal().marks.size()) {
  const Journal& j = ix.journal();
  for (const MarkChange& c : j.mark_changes)
    if (c.mark_ix >= 0 && size_t(c.mark_ix) < changed_.size() && c.changed_ts)
      changed_[c.mark_ix] = std::max(changed_[c.mark_ix], c.changed_ts->utc);
  if (!since || since->first) return;  // nothing is new against no publication
  auto fresh = [&](const auto& records, std::vector<char>& out, size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      uint64_t key = item_key(records[i]);
      out[i] = key && !since->is_known(key);
    }
  };
  fresh_mark_.resize(j.marks.size());
  fresh_final_.resize(j.final_marks.size());
  fresh_remark_.resize(j.remarks.size());
  // On the cores, in disjoint ranges: 400,000 marks hashed took ~0.03 s with the other core
  // waiting for the feeds to begin.
  const size_t half = j.marks.size() / 2;
  for_each(pool, 3, [&](size_t part, unsigned) {
    if (part == 0) fresh(j.marks, fresh_mark_, 0, half);
    if (part == 1) fresh(j.marks, fresh_mark_, half, j.marks.size());
    if (part == 2) {
      fresh(j.final_marks, fresh_final_, 0, j.final_marks.size());
      fresh(j.remarks, fresh_remark_, 0, j.remarks.size());
    }
  });
}

std::string family_feed(const DiaryIndex& ix, const std::vector<int>& children, const Locale& loc,
                        const FeedOptions& o) {
  return FeedSource(ix, o.since).family(children, loc, o);
}

FeedSource::~FeedSource() = default;

void FeedSource::expect(const std::vector<int>& children) { entries_.expect(children); }

std::vector<FeedSource::Entry> FeedSource::child_entries(int c, const Locale& loc,
                                                         const FeedOptions& o) const {
  const DiaryIndex& ix = ix_;
  const Journal& j = ix.journal();
  const int offset = offset_;
  // A day's moment when the record has none of its own: its lesson's start, else noon.
  auto at = [&](Day d, int minutes) { return int64_t(d) * 86400 + (minutes - offset) * 60LL; };
  auto lesson_at = [&](const Lesson& l) {
    const Bell* b = ix.bell(l.number);
    return at(l.date, b ? b->start : 12 * 60);
  };
  auto is_fresh = [](const std::vector<char>& v, int i) { return !v.empty() && v[i]; };
  const std::string& school = j.school.id;
  std::vector<Entry> entries;
  int64_t from = at(o.today - kFeedDays, 0), until = at(o.today + 1, 0);
  // Listed: what happened in the feed's weeks up to the build's day, and what is new since
  // the previous publication however old. Decided before an entry's text is made: a
  // child's year holds hundreds of marks, the feed a few dozen.
  auto listed = [&](int64_t when, bool fresh) { return (when >= from || fresh) && when < until; };
  const Student& st = j.students[c];
  std::string name = st.person.first_name.empty() ? full_name(st.person) : st.person.first_name;
  auto add = [&](int64_t when, bool fresh, const std::string& id, const std::string& title,
                 const std::string& content, const std::string& link) {
    Entry& e = entries.emplace_back();
    e.updated = when;
    e.id = name_uuid(school + "\n" + st.id + "\n" + id);
    e.fresh = fresh;
    std::string& x = e.xml;
    x.reserve(256 + title.size() + content.size());
    x += "<entry>\n<id>";
    x += e.id;
    x += "</id>\n<title>";
    xml_escape_to(x, title);
    x += "</title>\n<updated>";
    x += rfc3339(when, offset);
    x += "</updated>\n";
    if (o.links && !link.empty()) {
      x += "<link rel=\"alternate\" type=\"text/html\" href=\"";
      xml_escape_to(x, link);
      x += "\"/>\n";
    }
    x += "<content type=\"text\">";
    xml_escape_to(x, content.empty() ? title : content);
    x += "</content>\n</entry>\n";
  };
  if (!ix.unmarked(c)) {
    for (int mi : ix.marks(c)) {
      const Mark& m = j.marks[mi];
      const Lesson& l = j.lessons[m.lesson_ix];
      int64_t when = m.created_ts ? m.created_ts->utc : lesson_at(l);
      when = std::max(when, changed_[mi]);
      bool fresh = is_fresh(fresh_mark_, mi);
      if (!listed(when, fresh)) continue;
      std::string work =
          m.work_type_ix >= 0 ? j.work_types[m.work_type_ix].name : loc.text("no_work_type");
      add(when, fresh, "mark\n" + m.id,
          loc.format("feeds.mark", {{"name", name},
                                    {"value", m.value},
                                    {"subject", j.subjects[l.subject_ix].name},
                                    {"work", work},
                                    {"date", loc.day_month(l.date)}}),
          m.comment, HtmlRenderer::week_file(st, week_monday(l.date)));
    }
    for (int fi : ix.final_marks(c)) {
      const FinalMark& f = j.final_marks[fi];
      Day end = f.period_ix >= 0 ? j.periods[f.period_ix].end : j.year.end;
      int64_t when = f.created_ts ? f.created_ts->utc : at(end, 12 * 60);
      bool fresh = is_fresh(fresh_final_, fi);
      if (!listed(when, fresh)) continue;
      std::string period = f.period_ix >= 0 ? j.periods[f.period_ix].name
                                            : loc.text("feeds.final_periods." + f.period);
      add(when, fresh, "final\n" + f.subject + "\n" + f.period,
          loc.format("feeds.final_mark", {{"name", name},
                                          {"value", f.value},
                                          {"period", period},
                                          {"subject", j.subjects[f.subject_ix].name}}),
          "", HtmlRenderer::page_file(st, "results"));
    }
  }
  for (int ri : ix.remarks(c)) {
    const Remark& r = j.remarks[ri];
    int64_t when = at(r.date, 12 * 60);
    bool fresh = is_fresh(fresh_remark_, ri);
    if (!listed(when, fresh)) continue;
    add(when, fresh, "remark\n" + r.id,
        loc.format("feeds.remark", {{"name", name},
                                    {"kind", loc.text("remark_kinds." + r.kind)},
                                    {"date", loc.day_month(r.date)}}),
        markdown_plain(r.text), HtmlRenderer::page_file(st, "notes"));
  }
  for (int ai : ix.attendance(c)) {
    const Attendance& a = j.attendance[ai];
    const Lesson& l = j.lessons[a.lesson_ix];
    int64_t when = lesson_at(l);
    if (!listed(when, false)) continue;  // an absence has no "new since" key
    std::string status = loc.text("attendance." + (a.reason.empty() ? a.status : a.reason));
    add(when, false, "attendance\n" + l.id,
        loc.format("feeds.absence", {{"name", name},
                                     {"status", status},
                                     {"subject", j.subjects[l.subject_ix].name},
                                     {"date", loc.day_month(l.date)}}),
        "", HtmlRenderer::week_file(st, week_monday(l.date)));
  }
  return entries;
}

std::string FeedSource::family(const std::vector<int>& children, const Locale& loc,
                               const FeedOptions& o) const {
  const Journal& j = ix_.journal();
  const int offset = offset_;
  auto at = [&](Day d, int minutes) { return int64_t(d) * 86400 + (minutes - offset) * 60LL; };
  const std::string school = j.school.id;
  std::vector<std::shared_ptr<const std::vector<Entry>>> held;
  std::string names;
  for (int c : children) {
    const Student& st = j.students[c];
    std::string name = st.person.first_name.empty() ? full_name(st.person) : st.person.first_name;
    names += (names.empty() ? "" : ", ") + name;
    auto own = [&] { return std::make_shared<const std::vector<Entry>>(child_entries(c, loc, o)); };
    auto make = [&] { return Made{own(), o.today, o.links, &loc}; };
    entries_.with(c, make, [&](const Made& m) {
      if (m.today == o.today && m.links == o.links && m.loc == &loc)
        held.push_back(m.entries);
      else  // made for other options: made again for these
        held.push_back(own());
    });
  }
  std::vector<const Entry*> entries;
  for (const auto& h : held)
    for (const Entry& e : *h) entries.push_back(&e);
  // Newest first; equal times by id, so the bytes do not depend on the input's order.
  std::sort(entries.begin(), entries.end(), [](const Entry* a, const Entry* b) {
    return std::tie(b->updated, a->id) < std::tie(a->updated, b->id);
  });
  // At most kMaxEntries, the newest; what is new since the previous publication stays.
  size_t n = 0;
  std::erase_if(entries, [&](const Entry* e) { return n++ >= kMaxEntries && !e->fresh; });
  const std::string& school_name =
      j.school.short_name.empty() ? j.school.name : j.school.short_name;
  // The feed changes when its entries do, not every day: its time is its newest entry's.
  int64_t updated = entries.empty() ? at(j.year.start, 0) : entries.front()->updated;
  std::string x = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
  x += "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"ru\">\n";
  x += "<id>" + name_uuid("feed\n" + school + "\n" + o.area) + "</id>\n";
  x += "<title>" + xml_escape(loc.format("feeds.feed_title", {{"names", names}})) + "</title>\n";
  x += "<updated>" + rfc3339(updated, offset) + "</updated>\n";
  x += "<author><name>" + xml_escape(school_name) + "</name></author>\n";
  x += "<link rel=\"self\" href=\"feed.atom\"/>\n";
  x +=
      std::string("<generator version=\"") + JOURNALPRESS_VERSION + "\">journalpress</generator>\n";
  size_t size = x.size() + 16;
  for (const Entry* e : entries) size += e->xml.size();
  x.reserve(size);
  for (const Entry* e : entries) x += e->xml;
  x += "</feed>\n";
  return x;
}

}  // namespace jp
