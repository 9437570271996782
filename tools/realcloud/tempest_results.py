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

"""Compare a tempest run with what the repository expects of it.

``tempest_results.py MODE RESULTS.subunit EXPECTED-FAILURES`` (tempest's
Python: python-subunit and testtools). EXPECTED-FAILURES lists, one per
line, a test id (without its ``[...]`` attributes) and, after ``#``, why
the mode legitimately changes its outcome; a test id after ``?`` may fail
or pass (it fails only when tempest happens to pick a host that does not
suit). Prints the counts of the mode and every difference; exits 1 when a
test failed that is not expected to, when an expected failure passed (the
list is stale) or when nothing ran.
"""

import sys

import subunit
import testtools


def read_results(path):
    """test id (attributes stripped) -> status, from a subunit v2 stream."""
    found = {}

    def record(test):
        if test['id'].startswith('setUpClass') or test['status'] in (
                'exists', None):
            # A class fixture failing shows as a test of its own.
            name = test['id']
        else:
            name = test['id'].split('[', 1)[0]
        found[name] = test['status']

    with open(path, 'rb') as stream:
        case = subunit.ByteStreamToStreamResult(stream,
                                                non_subunit_name='stdout')
        result = testtools.StreamToDict(record)
        result.startTestRun()
        case.run(result)
        result.stopTestRun()
    return found


def read_expected(path):
    """({test id: why} that must fail, {test id: why} that may fail)."""
    must, may = {}, {}
    try:
        with open(path) as stream:
            for line in stream:
                test, _, why = line.partition('#')
                test = test.strip()
                if test.startswith('?'):
                    may[test[1:].strip()] = why.strip()
                elif test:
                    must[test] = why.strip()
    except FileNotFoundError:
        pass
    return must, may


def compare(mode, results, expected, may_fail=None):
    """(exit status, report lines)."""
    may_fail = may_fail or {}
    failed = {t for t, s in results.items() if s in ('fail', 'uxsuccess')}
    passed = {t for t, s in results.items() if s in ('success', 'xfail')}
    skipped = {t for t, s in results.items() if s == 'skip'}
    lines = []
    allowed = set(expected) | set(may_fail)
    unexpected = sorted(failed - allowed)
    stale = sorted(t for t in expected if t in passed)
    missing = sorted(t for t in expected if t not in results)
    for test in unexpected:
        lines.append('tempest %s: FAILED, not expected: %s' % (mode, test))
    for test in stale:
        lines.append('tempest %s: expected to fail but passed (remove it '
                     'from the list): %s' % (mode, test))
    for test in missing:
        lines.append('tempest %s: expected failure did not run: %s' % (
            mode, test))
    lines.append('tempest %s: %d passed, %d failed (%d of them expected), '
                 '%d skipped' % (mode, len(passed), len(failed),
                                 len(failed & allowed), len(skipped)))
    bad = unexpected or stale or missing or not (passed or failed)
    if not (passed or failed):
        lines.append('tempest %s: no test ran' % mode)
    return (1 if bad else 0), lines


def main():
    mode, results_path, expected_path = sys.argv[1:4]
    try:
        results = read_results(results_path)
    except OSError as error:
        print('tempest %s: no results (%s)' % (mode, error.strerror))
        return 1
    status, lines = compare(mode, results, *read_expected(expected_path))
    print('\n'.join(lines))
    return status


if __name__ == '__main__':
    sys.exit(main())
