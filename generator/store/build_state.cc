#include "store/build_state.h"

#include <cstring>

#include "store/sqlite.h"

namespace jp {

void ensure_build_state(Db& db) {
  db.exec(
      "CREATE TABLE IF NOT EXISTS publications(school_id TEXT PRIMARY KEY, digest TEXT NOT NULL, "
      "current_keys BLOB, current_at TEXT, previous_keys BLOB, previous_at TEXT)");
  db.exec(
      "CREATE TABLE IF NOT EXISTS letters_issued(school_id TEXT, guardian TEXT, epoch INTEGER "
      "NOT NULL, issued_on TEXT NOT NULL, PRIMARY KEY(school_id, guardian))");
}

std::map<std::string, std::pair<long long, std::string>> load_letters_issued(
    Db& db, const std::string& school) {
  std::map<std::string, std::pair<long long, std::string>> r;
  Stmt st(db.handle(),
          "SELECT guardian, epoch, issued_on FROM letters_issued WHERE school_id = ?");
  st.bind(1, school);
  while (st.step()) r[st.text(0)] = {st.integer(1), st.text(2)};
  return r;
}

void save_letters_issued(Db& db, const std::string& school,
                         const std::vector<std::pair<std::string, long long>>& letters,
                         const std::string& day) {
  Transaction tx(db, Transaction::immediate);
  Stmt st(db.handle(),
          "INSERT INTO letters_issued(school_id, guardian, epoch, issued_on) VALUES(?, ?, ?, ?) "
          "ON CONFLICT(school_id, guardian) DO UPDATE SET epoch = excluded.epoch, issued_on = "
          "excluded.issued_on");
  for (const auto& [guardian, epoch] : letters)
    st.bind(1, school).bind(2, guardian).bind(3, epoch).bind(4, day).run();
  tx.commit();
}

std::map<std::string, long long> load_epochs(Db& db, const std::string& school) {
  std::map<std::string, long long> r;
  Stmt st(db.handle(), "SELECT guardian, epoch FROM guardian_access WHERE school_id = ?");
  st.bind(1, school);
  while (st.step()) r[st.text(0)] = st.integer(1);
  return r;
}

long long bump_epoch(Db& db, const std::string& school, const std::string& guardian,
                     const std::string& at) {
  // The bump and the read of its result in one transaction: two revokes at once each
  // read their own epoch.
  Transaction tx(db, Transaction::immediate);
  Stmt st(db.handle(),
          "INSERT INTO guardian_access(school_id, guardian, epoch, revoked_at) VALUES(?, ?, 2, ?) "
          "ON CONFLICT(school_id, guardian) DO UPDATE SET epoch = epoch + 1, revoked_at = "
          "excluded.revoked_at");
  st.bind(1, school).bind(2, guardian).bind(3, at).run();
  Stmt q(db.handle(), "SELECT epoch FROM guardian_access WHERE school_id = ? AND guardian = ?");
  q.bind(1, school).bind(2, guardian);
  q.step();
  long long epoch = q.integer(0);
  q.reset();
  tx.commit();
  return epoch;
}

namespace {
std::vector<uint64_t> keys_col(const Stmt& st, int col) {
  auto* p = static_cast<const unsigned char*>(
      sqlite3_column_blob(const_cast<sqlite3_stmt*>(st.raw()), col));
  int n = sqlite3_column_bytes(const_cast<sqlite3_stmt*>(st.raw()), col);
  std::vector<uint64_t> r(size_t(n) / 8);
  if (p && n) std::memcpy(r.data(), p, r.size() * 8);
  return r;
}
}  // namespace

Publication load_publication(Db& db, const std::string& school) {
  Publication p;
  Stmt st(
      db.handle(),
      "SELECT digest, current_keys, current_at, previous_keys, previous_at FROM publications WHERE "
      "school_id = ?");
  st.bind(1, school);
  if (st.step()) {
    p.exists = true;
    p.digest = st.text(0);
    p.current = keys_col(st, 1);
    p.current_at = st.text(2);
    p.previous = keys_col(st, 3);
    p.previous_at = st.text(4);
  }
  return p;
}

void save_publication(Db& db, const std::string& school, const Publication& p) {
  Stmt st(db.handle(),
          "INSERT OR REPLACE INTO publications(school_id, digest, current_keys, current_at, "
          "previous_keys, "
          "previous_at) VALUES(?,?,?,?,?,?)");
  st.bind(1, school).bind(2, p.digest);
  st.bind_blob(3, p.current.data(), p.current.size() * 8).bind(4, p.current_at);
  st.bind_blob(5, p.previous.data(), p.previous.size() * 8).bind(6, p.previous_at);
  st.run();
}

}  // namespace jp
