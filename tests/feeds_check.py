"""Checks each family's calendar.ics and feed.atom of a built site against the journal they
were built from (tests/feeds_test.sh runs it with Debian's /usr/bin/python3, which has
python3-icalendar and python3-feedparser).

  feeds_check.py JOURNAL_DIR OUT_DIR TODAY [PREVIOUS_OUT_COPY | --some]

Every event of every calendar is traced back to its record (a lesson, homework, period,
holiday or event) and compared field by field; and every control work, holiday and period
end the family should see is found in the calendar. Every feed parses without bozo, and
every entry is traced back to a mark, final mark, remark or absence of the family's
children. With PREVIOUS_OUT_COPY (the output folder of the night before), UIDs and entry
ids present in both are checked to be the same events and entries. --some: a small journal,
which need not have every kind of event and entry.
"""
import csv
import datetime as dt
import hashlib
import json
import pathlib
import re
import sys

import feedparser
import icalendar

journal_dir, out_dir, today_text = sys.argv[1:4]
some = sys.argv[4:] == ['--some']
previous = pathlib.Path(sys.argv[4]) if len(sys.argv) > 4 and not some else None
today = dt.date.fromisoformat(today_text)
out = pathlib.Path(out_dir)
failures = 0


def ok(msg):
    print(f'ok   {msg}')


def bad(msg):
    global failures
    failures += 1
    if failures <= 40:
        print(f'FAIL {msg}')


# --- the journal
J = {}
for f in sorted(pathlib.Path(journal_dir).rglob('*.json')):
    for k, v in json.loads(f.read_text()).items():
        if isinstance(v, list):
            J.setdefault(k, []).extend(v)
        else:
            J[k] = v
school = J['school']
zone = school.get('timezone', 'Europe/Moscow')
date = dt.date.fromisoformat
students = {s['id']: s for s in J['students']}
lessons = {l['id']: l for l in J['lessons']}
periods = {p['id']: p for p in J['periods']}
subjects = {s['id']: s for s in J['subjects']}
classes = {c['id']: c for c in J['classes']}
bells = {b['number']: b for b in J.get('bells', [])}
holidays = {h['start']: h for h in J.get('holidays', [])}
events = {e['id']: e for e in J.get('events', [])}
individual = {}
for h in J.get('individual_homework', []):
    individual.setdefault((h['lesson'], h['student']), []).append(h)


def published(s):
    if not s.get('consent', True):
        return False
    return any(e.get('to') is None or date(e['to']) >= today for e in s['enrollments'])


def enrolled(s, lesson):
    """The student's enrollment the lesson belongs to (class, dates, groups), or None."""
    d = date(lesson['date'])
    for e in s['enrollments']:
        if e['class'] == lesson['class'] and date(e['from']) <= d and (e.get('to') is None or date(e['to']) >= d):
            if lesson.get('group') and lesson['group'] not in e.get('groups', []):
                return None
            return e
    return None


lessons_by_class = {}
for l in J['lessons']:
    lessons_by_class.setdefault(l['class'], []).append(l)
by_student = {}
for section in ('marks', 'final_marks', 'remarks', 'attendance'):
    for x in J.get(section, []):
        by_student.setdefault((section, x['student']), []).append(x)


def own_lessons(s):
    mine = (l for c in {e['class'] for e in s['enrollments']} for l in lessons_by_class.get(c, []) if enrolled(s, l))
    return sorted(mine, key=lambda l: (l['date'], l['number']))


def first_name(s):
    return s.get('first_name') or s['last_name']


def words(md):
    return [w for w in re.findall(r'\w{3,}', md) if not w.isdigit()]


guardians = {g['id']: g for g in J['guardians']}
rows = list(csv.DictReader(open(out / 'private/access.csv', encoding='utf-8')))
families = []
for r in rows:
    folder = re.search(r'(f/[0-9a-f]{32})/$', r['url']).group(1)
    g = guardians[r['guardian_id']]
    kids = [students[c] for c in g['children'] if published(students[c])]
    families.append((folder, kids))
ok(f'{len(families)} family areas in access.csv')


# --- calendars
def uid_of(text, prefix, *tables):
    """Splits `prefix-A-B@...` into ids found in the given tables (ids may hold '-')."""
    body = text.split('@')[0][len(prefix) + 1:]
    parts = body.split('-')
    for i in range(1, len(parts)):
        a, b = '-'.join(parts[:i]), '-'.join(parts[i:])
        if a in tables[0] and b in tables[1]:
            return a, b
    return None


events_seen = kinds_seen = 0
kinds = {}
uids_by_family = {}
for folder, kids in families:
    path = out / 'site' / folder / 'calendar.ics'
    raw = path.read_bytes()
    name = f'{folder}/calendar.ics'
    # Octet-level rules: CRLF everywhere, 75 octets at most, no UTF-8 sequence split.
    lines = raw.split(b'\r\n')
    if lines[-1] != b'' or any(b'\n' in l or b'\r' in l for l in lines):
        bad(f'{name}: a line not ended by CRLF')
    if any(len(l) > 75 for l in lines):
        bad(f'{name}: a line over 75 octets')
    for l in lines:
        try:
            l.decode('utf-8')
        except UnicodeDecodeError:
            bad(f'{name}: a fold splits a UTF-8 sequence: {l[:40]!r}')
            break
    cal = icalendar.Calendar.from_ical(raw)
    tzs = [c for c in cal.walk('VTIMEZONE')]
    if len(tzs) != 1 or str(tzs[0]['TZID']) != zone:
        bad(f'{name}: VTIMEZONE is not {zone}')
    kid_ids = {s['id']: s for s in kids}
    uids = set()
    lessons_by_kid = {s['id']: own_lessons(s) for s in kids}
    dates_by_kid = {}  # (student, subject) -> the days of its lessons not cancelled
    for sid, ls in lessons_by_kid.items():
        for x in ls:
            if not x.get('cancelled'):
                dates_by_kid.setdefault((sid, x['subject']), []).append(date(x['date']))
    for ev in cal.walk('VEVENT'):
        events_seen += 1
        uid = str(ev['UID'])
        if uid in uids:
            bad(f'{name}: UID twice: {uid}')
        uids.add(uid)
        if not uid.endswith(f'@{school["id"]}.journalpress'):
            bad(f'{name}: UID {uid} not of the school')
        start = ev.decoded('DTSTART')
        end = ev.decoded('DTEND')
        summary = str(ev['SUMMARY'])
        desc = str(ev.get('DESCRIPTION', ''))
        kind = uid.split('-')[0]
        kinds[kind] = kinds.get(kind, 0) + 1
        if kind == 'work':
            ids = uid_of(uid, 'work', lessons, kid_ids)
            if not ids:
                bad(f'{name}: {uid}: no such lesson and child')
                continue
            l, s = lessons[ids[0]], kid_ids[ids[1]]
            bell = bells.get(l['number'])
            want = (dt.datetime.combine(date(l['date']), dt.time.fromisoformat(bell['start'])) if bell
                    else date(l['date']))
            got = start.replace(tzinfo=None) if isinstance(start, dt.datetime) else start
            if (l.get('kind', 'lesson') == 'lesson' or got != want or not enrolled(s, l)
                    or first_name(s) not in summary or subjects[l['subject']]['name'] not in summary
                    or (isinstance(start, dt.datetime) and str(start.tzinfo) != zone)
                    or (bell and end.replace(tzinfo=None).time() != dt.time.fromisoformat(bell['end']))
                    or (str(ev.get('STATUS', '')) == 'CANCELLED') != bool(l.get('cancelled'))):
                bad(f'{name}: {uid} does not match lesson {l["id"]}: {got} {summary}')
        elif kind in ('homework', 'individual'):
            base = uid.split('@')[0]
            ids = uid_of(base if kind == 'homework' else base.rsplit('-', 1)[0], kind, lessons, kid_ids)
            if not ids:
                bad(f'{name}: {uid}: no such lesson and child')
                continue
            l, s = lessons[ids[0]], kid_ids[ids[1]]
            texts = [l.get('homework', '')] if kind == 'homework' else [h['text'] for h in individual.get((l['id'], s['id']), [])]
            if not any(t and all(w in desc for w in words(t)) for t in texts):
                bad(f'{name}: {uid}: description is not the homework: {desc[:80]!r} vs {texts[0][:80]!r}')
            d0 = date(l['date'])
            later = [d for d in dates_by_kid.get((s['id'], l['subject']), []) if d > d0]
            if later and start != min(later):
                bad(f'{name}: {uid}: due {start}, the next lesson is {min(later)}')
            if not later and not (d0 < start <= d0 + dt.timedelta(days=14)):
                bad(f'{name}: {uid}: due {start}, not within two weeks of {d0}')
            if start < today - dt.timedelta(days=28):
                bad(f'{name}: {uid}: homework due {start}, long before {today}')
            if not enrolled(s, l) or first_name(s) not in summary or l.get('cancelled'):
                bad(f'{name}: {uid}: not the child\'s lesson or name missing')
        elif kind == 'period':
            p = periods.get(uid.split('@')[0][len('period-end-'):])
            if not p or start != date(p['end']) or p['name'] not in summary:
                bad(f'{name}: {uid}: not a period end')
        elif kind == 'holiday':
            h = holidays.get(uid.split('@')[0][len('holiday-'):])
            if not h or start != date(h['start']) or end != date(h['end']) + dt.timedelta(days=1) or h['name'] not in summary:
                bad(f'{name}: {uid}: not the holiday')
        elif kind == 'event':
            e = events.get(uid.split('@')[0][len('event-'):])
            if (not e or start != date(e['date']) or summary != e['title']
                    or end != date(e.get('end_date') or e['date']) + dt.timedelta(days=1)):
                bad(f'{name}: {uid}: not the event')
        else:
            bad(f'{name}: {uid}: unknown kind')
    # The other way: what the family must find in its calendar.
    for s in kids:
        for l in lessons_by_kid[s['id']]:
            if l.get('kind', 'lesson') != 'lesson' and f'work-{l["id"]}-{s["id"]}@{school["id"]}.journalpress' not in uids:
                bad(f'{name}: control work {l["id"]} of {s["id"]} missing')
        grades = {classes[e['class']]['grade'] for e in s['enrollments']}
        for p in J['periods']:
            if (not p.get('grades') or grades & set(p['grades'])) and f'period-end-{p["id"]}@{school["id"]}.journalpress' not in uids:
                bad(f'{name}: end of period {p["id"]} missing')
    for h in J.get('holidays', []):
        if f'holiday-{h["start"]}@{school["id"]}.journalpress' not in uids:
            bad(f'{name}: holiday {h["start"]} missing')
    uids_by_family[folder] = {str(e['UID']): (e.decoded('DTSTART'), str(e['SUMMARY'])) for e in cal.walk('VEVENT')}
ok(f'{events_seen} calendar events traced to the journal: ' + ', '.join(f'{k} {n}' for k, n in sorted(kinds.items())))
for k in ('work', 'homework', 'period', 'holiday'):
    if not kinds.get(k) and not some:
        bad(f'no {k} event in any calendar: the check would prove nothing')


# --- feeds
def name_uuid(name):
    h = list(hashlib.sha256(name.encode()).hexdigest()[:32])
    h[12] = '8'
    h[16] = '89ab'[int(h[16], 16) & 3]
    h = ''.join(h)
    return f'urn:uuid:{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}'


entries_seen = 0
entry_kinds = {}
ids_by_family = {}
for folder, kids in families:
    name = f'{folder}/feed.atom'
    f = feedparser.parse((out / 'site' / folder / 'feed.atom').read_bytes())
    if f.bozo:
        bad(f'{name}: bozo: {f.bozo_exception}')
    if not f.feed.get('id', '').startswith('urn:uuid:') or not f.feed.get('updated_parsed'):
        bad(f'{name}: feed id or updated missing')
    expected = {}
    for s in kids:
        def key(*parts):
            return name_uuid('\n'.join([school['id'], s['id'], *parts]))
        for m in by_student.get(('marks', s['id']), []):
            expected[key('mark', m['id'])] = ('mark', m['value'], s)
        for fm in by_student.get(('final_marks', s['id']), []):
            expected[key('final', fm['subject'], fm['period'])] = ('final', fm['value'], s)
        for r in by_student.get(('remarks', s['id']), []):
            expected[key('remark', r['id'])] = ('remark', None, s)
        for a in by_student.get(('attendance', s['id']), []):
            expected[key('attendance', a['lesson'])] = ('attendance', None, s)
    ids = {}
    for e in f.entries:
        entries_seen += 1
        if e.id in ids:
            bad(f'{name}: entry id twice {e.id}')
        ids[e.id] = (e.title, e.updated)
        rec = expected.get(e.id)
        if not rec:
            bad(f'{name}: entry {e.id} ({e.title}) is no record of the family\'s children')
            continue
        entry_kinds[rec[0]] = entry_kinds.get(rec[0], 0) + 1
        if first_name(rec[2]) not in e.title or (rec[1] and f': {rec[1]} ' not in e.title):
            bad(f'{name}: entry {e.title} does not show its record')
        updated = dt.date(*e.updated_parsed[:3])
        if updated > today or updated < today - dt.timedelta(days=46):
            bad(f'{name}: entry {e.title} updated {updated}, outside the window before {today}')
    ids_by_family[folder] = ids
ok(f'{entries_seen} feed entries parsed (no bozo) and traced to the journal: ' +
   ', '.join(f'{k} {n}' for k, n in sorted(entry_kinds.items())))
if not entry_kinds.get('mark') and not some:
    bad('no mark in any feed: the check would prove nothing')

# --- the night before: the same ids for the same things
if previous:
    same_uids = same_ids = new_ids = changed_entries = 0
    for folder, _ in families:
        prev_cal = previous / 'site' / folder / 'calendar.ics'
        if not prev_cal.exists():
            continue
        cal = icalendar.Calendar.from_ical(prev_cal.read_bytes())
        for e in cal.walk('VEVENT'):
            uid = str(e['UID'])
            if uid in uids_by_family[folder]:
                same_uids += 1
                if uids_by_family[folder][uid][1] != str(e['SUMMARY']):
                    bad(f'{folder}: {uid} changed its summary between nights')
        f = feedparser.parse((previous / 'site' / folder / 'feed.atom').read_bytes())
        for e in f.entries:
            if e.id in ids_by_family[folder]:
                same_ids += 1
                now = ids_by_family[folder][e.id]
                # The same record changed (a mark corrected): the same id, a later time.
                if now != (e.title, e.updated) and not now[1] > e.updated:
                    bad(f'{folder}: entry {e.id} changed between nights without a later time: {e.title} {e.updated} -> {now}')
                changed_entries += now != (e.title, e.updated)
        new_ids += len(set(ids_by_family[folder]) - {e.id for e in f.entries})
    (ok if same_uids and same_ids else bad)(
        f'across two nights: {same_uids} calendar UIDs and {same_ids} feed ids kept, same events and entries')
    (ok if new_ids else bad)(f'tonight\'s feeds add {new_ids} entries last night\'s did not have; '
                             f'{changed_entries} kept their id with a later time (a record changed)')

print(f'{failures} failures' if failures else 'all feed checks passed')
sys.exit(1 if failures else 0)
