#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.

"""Nova's own functional tests, with the Aerospike plugin, against nova's.

Runs the tests that ``selection.txt`` names, from the installed nova
package, with stestr and the hook in ``hook/`` (see its docstring), in two
modes, ``untagged`` and ``tagged``, and compares each test's result (pass,
fail, skip) with ``expected.txt``: nova's own results, recorded by a run
with the plugin off (``--refresh``). ``differences.txt`` lists results
that legitimately differ in one mode, each with its reason.

A mode fails when a result differs (after one retry of the differing
tests, to tell nova's own flaky tests apart), when a test is missing or
not in the expected results, or when its plugin counts show the plugin did
not run as it must. The run ends with stestr-style totals: a test of a
mode that gives nova's result counts as passed (or skipped, when nova's
result is a skip or a failure), a differing one as failed, and each failed
count check as one failure.

Usage (from tox -e nova-compat, which passes its arguments)::

    run.py [--mode untagged|tagged|both] [--concurrency N] [REGEX ...]
    run.py --refresh      # record nova's results, plugin off
"""

import argparse
import collections
import glob
import importlib.metadata
import importlib.util
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
HOOK_DIR = os.path.join(HERE, 'hook')
SELECTION = os.path.join(HERE, 'selection.txt')
EXPECTED = os.path.join(HERE, 'expected.txt')
DIFFERENCES = os.path.join(HERE, 'differences.txt')
MODES = ('untagged', 'tagged')
RESULTS = ('pass', 'fail', 'skip')
REFRESH_COMMAND = 'tox -e nova-compat -- --refresh'

# What each mode's plugin counts must show; see check_counts().
COUNT_KEYS = ('schedulers', 'schedulers_with_plugin', 'filter_calls',
              'weigher_calls', 'hosts_seen', 'hosts_removed',
              'hosts_refused_no_local_disk',
              'tagged_requests', 'untagged_requests', 'weigher_uneven',
              'flavors_tagged', 'computes_described', 'rack_spreads')


def nova_site():
    """The directory nova is installed in (site-packages)."""
    spec = importlib.util.find_spec('nova')
    if spec is None or not spec.submodule_search_locations:
        sys.exit('nova-compat: nova is not installed in %s' % sys.prefix)
    return os.path.dirname(list(spec.submodule_search_locations)[0])


def api_paste_config():
    """nova's api-paste.ini as its wheel installs it: <prefix>/etc/nova/."""
    for prefix in (sys.prefix, sys.base_prefix):
        path = os.path.join(prefix, 'etc', 'nova', 'api-paste.ini')
        if os.path.exists(path):
            return path
    sys.exit('nova-compat: no etc/nova/api-paste.ini under %s' % sys.prefix)


def read_selection(path=SELECTION):
    """The selection's regexes (``#`` starts a comment)."""
    regexes = []
    with open(path) as lines:
        for line in lines:
            line = line.split('#', 1)[0].strip()
            if line:
                regexes.append(re.compile(line))
    return regexes


def read_expected(path=EXPECTED):
    """(nova version, {test id: result}) of the recorded plugin-off run."""
    version, results = None, {}
    if not os.path.exists(path):
        return version, results
    with open(path) as lines:
        for line in lines:
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            key, value = line.split(None, 1)
            if key == 'nova:':
                version = value
            elif key in RESULTS:
                results[value] = key
            else:
                raise ValueError('%s: bad line %r' % (path, line))
    return version, results


def read_differences(path=DIFFERENCES):
    """{(mode, test id): (result, reason)} of the listed differences."""
    listed = {}
    with open(path) as lines:
        for number, line in enumerate(lines, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            try:
                mode, result, test_id, reason = line.split(None, 3)
            except ValueError:
                mode = result = None
            if mode not in MODES or result not in RESULTS:
                raise ValueError('%s:%d: want "<mode> <result> <test id> '
                                 '<reason>", got %r' % (path, number, line))
            listed[(mode, test_id)] = (result, reason)
    return listed


class Stestr:
    """stestr on nova's functional tests, one repository per directory."""

    def __init__(self, workdir, concurrency):
        self.site = nova_site()
        self.workdir = workdir
        self.concurrency = concurrency
        self.paste = api_paste_config()

    def _command(self, *args):
        return [sys.executable, '-m', 'stestr',
                '--test-path', os.path.join(self.site, 'nova', 'tests',
                                            'functional'),
                '--top-dir', self.site] + list(args)

    def _environ(self, mode, counts_dir):
        env = dict(os.environ)
        # The wheel installs api-paste.ini under <venv>/etc/nova, not where
        # nova's ConfFixture looks ($state_path/etc/nova): oslo.config's
        # environment source sets [wsgi] api_paste_config instead.
        env['OS_WSGI__API_PASTE_CONFIG'] = self.paste
        if mode is not None:
            env['PYTHONPATH'] = os.pathsep.join(
                [HOOK_DIR] + [p for p in env.get('PYTHONPATH', '').split(
                    os.pathsep) if p])
            env['AEROSPIKE_NOVA_COMPAT'] = mode
            env['AEROSPIKE_NOVA_COMPAT_COUNTS'] = counts_dir
        return env

    def _repo(self, name):
        path = os.path.join(self.workdir, name)
        os.makedirs(path, exist_ok=True)
        if not os.path.isdir(os.path.join(path, '.stestr')):
            subprocess.run(self._command('init'), cwd=path, check=True,
                           stdout=subprocess.DEVNULL)
        return path

    def list(self):
        """Every test id of nova's functional tests."""
        path = self._repo('list')
        done = subprocess.run(self._command('list'), cwd=path,
                              env=self._environ(None, None),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True)
        ids = [line.strip() for line in done.stdout.splitlines()
               if line.startswith('nova.tests.functional.')]
        if done.returncode or not ids:
            sys.exit('nova-compat: listing nova\'s tests failed:\n%s%s'
                     % (done.stdout[-5000:], done.stderr[-5000:]))
        return ids

    def run(self, mode, test_ids, name=None, concurrency=None):
        """Run test_ids in a mode; return ({id: (result, details)}, counts)."""
        name = name or mode
        path = self._repo(name)
        counts_dir = os.path.join(path, 'counts')
        os.makedirs(counts_dir, exist_ok=True)
        for old in glob.glob(os.path.join(counts_dir, '*.json')):
            os.remove(old)
        load_list = os.path.join(path, 'tests.txt')
        with open(load_list, 'w') as out:
            out.write(''.join(t + '\n' for t in test_ids))
        log = os.path.join(path, 'stestr.log')
        with open(log, 'w') as out:
            subprocess.run(
                self._command('run', '--concurrency',
                              str(concurrency or self.concurrency),
                              '--load-list', load_list),
                cwd=path, env=self._environ(mode, counts_dir),
                stdout=out, stderr=subprocess.STDOUT)
        last = subprocess.run(self._command('last', '--subunit'), cwd=path,
                              stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL)
        return parse_subunit(last.stdout), read_counts(counts_dir), log


def parse_subunit(data):
    """{test id: (result, traceback text)} of a subunit v2 stream."""
    import subunit
    import testtools

    results = {}
    status_map = {'success': 'pass', 'xfail': 'pass', 'skip': 'skip',
                  'fail': 'fail', 'uxsuccess': 'fail'}

    def on_test(test):
        status = status_map.get(test['status'])
        if status is None or not test['id'].startswith('nova.'):
            return
        details = test['details'].get('traceback')
        text = details.as_text() if details is not None else ''
        results[test['id']] = (status, text)

    stream = subunit.ByteStreamToStreamResult(io.BytesIO(data),
                                              non_subunit_name='stdout')
    result = testtools.StreamToDict(on_test)
    result.startTestRun()
    try:
        stream.run(result)
    finally:
        result.stopTestRun()
    return results


def read_counts(directory):
    """The plugin counts of every test process, added up."""
    total = collections.Counter({key: 0 for key in COUNT_KEYS})
    removed = collections.Counter()
    processes = 0
    for path in glob.glob(os.path.join(directory, 'counts-*.json')):
        with open(path) as data:
            counts = json.load(data)
        processes += 1
        removed.update(counts.pop('removed_hosts', {}))
        total.update({k: v for k, v in counts.items()
                      if isinstance(v, int) and k != 'pid'})
    total['processes'] = processes
    return total, removed


def check_counts(mode, counts, removed):
    """The count checks a mode fails: a list of messages."""
    problems = []

    def need(ok, message):
        if not ok:
            problems.append(message)

    need(counts['schedulers'] > 0,
         'no nova-scheduler HostManager was seen: the hook did not load')
    if mode == 'off':
        need(counts['schedulers_with_plugin'] == 0 and
             counts['filter_calls'] == 0,
             'the plugin ran in a plugin-off run')
        return problems
    need(counts['schedulers_with_plugin'] == counts['schedulers'],
         'the plugin was added to %d of %d schedulers'
         % (counts['schedulers_with_plugin'], counts['schedulers']))
    need(counts['filter_calls'] > 0, 'the filter never ran')
    need(counts['weigher_calls'] > 0, 'the weigher never ran')
    need(counts['hosts_seen'] > 0, 'the filter never saw a host')
    need(counts['hosts_removed'] == 0,
         'the filter removed %d hosts (%s): in this mode every host suits '
         'every request' % (counts['hosts_removed'], ', '.join(
             '%s x%d' % item for item in sorted(removed.items()))))
    need(counts['weigher_uneven'] == 0,
         'the weigher weighed hosts unevenly %d times (untagged requests '
         'must weigh 0, tagged ones on all-lvm hosts the same)'
         % counts['weigher_uneven'])
    if mode == 'untagged':
        need(counts['tagged_requests'] == 0,
             '%d tagged requests in untagged mode'
             % counts['tagged_requests'])
    else:
        need(counts['tagged_requests'] > 0, 'no tagged request was seen')
        need(counts['untagged_requests'] == 0,
             '%d untagged requests in tagged mode: a flavor escaped the '
             'tagging (made without Flavor.create?)'
             % counts['untagged_requests'])
        need(counts['flavors_tagged'] > 0, 'no flavor was tagged')
        need(counts['computes_described'] > 0,
             'no compute was described in host_backends')
        need(counts['rack_spreads'] > 0,
             'the rack weigher never spread a server group')
    return problems


def describe_counts(counts):
    return ('filter calls %(filter_calls)d, weigher calls '
            '%(weigher_calls)d, hosts seen %(hosts_seen)d, hosts removed '
            '%(hosts_removed)d (and %(hosts_refused_no_local_disk)d refused '
            'to boots from volume without a local disk), tagged requests '
            '%(tagged_requests)d, '
            'untagged requests %(untagged_requests)d; schedulers '
            '%(schedulers_with_plugin)d/%(schedulers)d with the plugin, '
            'flavors tagged %(flavors_tagged)d, computes described '
            '%(computes_described)d, uneven weighings %(weigher_uneven)d, '
            'server groups spread %(rack_spreads)d' % counts)


def excerpt(text, lines=40):
    text = text.strip().splitlines()
    if len(text) > lines:
        text = ['...'] + text[-lines:]
    return '\n'.join('      ' + line for line in text)


def run_mode(stestr, mode, test_ids, expected, listed, retry=True):
    """Run one mode; print its report; return (passed, failed, skipped)."""
    want = {}
    for test_id in test_ids:
        listed_result = listed.get((mode, test_id))
        want[test_id] = (listed_result[0] if listed_result
                         else expected.get(test_id))
    print('nova-compat %s: %d tests, concurrency %d' % (
        mode, len(test_ids), stestr.concurrency), flush=True)
    start = time.monotonic()
    results, (counts, removed), log = stestr.run(mode, test_ids)
    minutes = (time.monotonic() - start) / 60.0

    def differing():
        return sorted(t for t in test_ids
                      if results.get(t, ('missing',))[0] != want[t])

    retried = differing()
    if retried and retry and len(retried) <= max(5, len(test_ids) // 10):
        # nova's own flaky tests: a difference must repeat to count.
        again, (counts2, removed2), _ = stestr.run(
            mode, retried, name=mode + '-retry', concurrency=1)
        results.update(again)
        counts.update(counts2)
        removed.update(removed2)
    diffs = differing()
    problems = check_counts(mode, counts, removed)

    passed = sum(1 for t in test_ids if t not in diffs and want[t] == 'pass')
    skipped = len(test_ids) - len(diffs) - passed
    print('nova-compat %s: %.1f minutes; %d as nova (%d pass, %d skip or '
          'fail as nova does), %d differ%s' % (
              mode, minutes, len(test_ids) - len(diffs), passed, skipped,
              len(diffs), ', %d matched on retry' % (len(retried) - len(diffs))
              if len(retried) > len(diffs) else ''))
    print('nova-compat %s plugin: %s' % (mode, describe_counts(counts)))
    for test_id in diffs:
        got, details = results.get(test_id, ('missing', ''))
        print('  DIFFERS %s: nova %s, with the plugin %s' % (
            test_id, want[test_id], got))
        if details:
            print(excerpt(details))
    for problem in problems:
        print('  COUNT CHECK FAILED (%s): %s' % (mode, problem))
    if diffs or problems:
        print('  stestr output: %s' % log)
    return passed, len(diffs) + len(problems), skipped


def refresh(stestr, test_ids):
    """Record nova's own results (plugin off) into expected.txt."""
    print('nova-compat refresh: %d tests with the plugin off' % len(test_ids),
          flush=True)
    start = time.monotonic()
    results, (counts, removed), log = stestr.run('off', test_ids)
    problems = check_counts('off', counts, removed)
    missing = [t for t in test_ids if t not in results]
    if problems or missing:
        sys.exit('nova-compat refresh failed (%s); see %s' % (
            '; '.join(problems + ['%d tests gave no result' % len(missing)]
                      if missing else problems), log))
    version = importlib.metadata.version('nova')
    with open(EXPECTED, 'w') as out:
        out.write('# nova\'s own results for selection.txt, plugin off.\n'
                  '# Made by: %s (do not edit by hand)\n'
                  'nova: %s\n' % (REFRESH_COMMAND, version))
        for test_id in sorted(test_ids):
            out.write('%s %s\n' % (results[test_id][0], test_id))
    tally = collections.Counter(r for r, _ in results.values())
    print('nova-compat refresh: %.1f minutes; nova %s: %s; wrote %s' % (
        (time.monotonic() - start) / 60.0, version, ', '.join(
            '%d %s' % (tally[r], r) for r in RESULTS), EXPECTED))
    for test_id in sorted(t for t in test_ids if results[t][0] == 'fail'):
        print('  nova itself fails %s: it guards nothing; consider '
              'dropping it from selection.txt' % test_id)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--mode', choices=MODES + ('both',), default='both')
    parser.add_argument('--concurrency', type=int, default=2)
    parser.add_argument('--refresh', action='store_true',
                        help='record nova\'s results with the plugin off')
    parser.add_argument('--no-retry', action='store_true',
                        help='do not rerun differing tests once')
    parser.add_argument('--workdir',
                        help='where the stestr repositories go (default: '
                        'a new temporary directory)')
    parser.add_argument('filters', nargs='*', metavar='REGEX',
                        help='run only the selected tests matching one')
    args = parser.parse_args(argv)
    workdir = args.workdir or tempfile.mkdtemp(prefix='nova-compat-')
    stestr = Stestr(workdir, args.concurrency)

    selection = read_selection()
    test_ids = [t for t in stestr.list()
                if any(r.search(t) for r in selection)]
    if args.filters:
        filters = [re.compile(f) for f in args.filters]
        test_ids = [t for t in test_ids if any(f.search(t) for f in filters)]
    if not test_ids:
        sys.exit('nova-compat: the selection matches no test')
    if args.refresh:
        if args.filters:
            sys.exit('nova-compat: --refresh records the whole selection')
        return refresh(stestr, test_ids)

    version, expected = read_expected()
    installed = importlib.metadata.version('nova')
    if version != installed:
        sys.exit('nova-compat: expected.txt has nova %s\'s results, nova %s '
                 'is installed: run %s' % (version, installed,
                                           REFRESH_COMMAND))
    listed = read_differences()
    passed = failed = skipped = 0
    unknown = sorted(set(test_ids) - set(expected))
    gone = [] if args.filters else sorted(set(expected) - set(test_ids))
    for test_id in unknown:
        print('  NOT IN expected.txt: %s (run %s)'
              % (test_id, REFRESH_COMMAND))
    for test_id in gone:
        print('  NO LONGER SELECTED OR FOUND: %s (run %s)'
              % (test_id, REFRESH_COMMAND))
    failed += len(unknown) + len(gone)
    test_ids = [t for t in test_ids if t in expected]
    modes = MODES if args.mode == 'both' else (args.mode,)
    start = time.monotonic()
    for mode in modes:
        p, f, s = run_mode(stestr, mode, test_ids, expected, listed,
                           retry=not args.no_retry)
        passed, failed, skipped = passed + p, failed + f, skipped + s
    print('nova-compat: %s in %.1f minutes; stestr repositories in %s' % (
        ' and '.join(modes), (time.monotonic() - start) / 60.0, workdir))
    # The totals, as stestr prints them, for .ci/run to add up.
    print('======\nTotals\n======')
    print(' - Passed: %d\n - Failed: %d\n - Skipped: %d'
          % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
