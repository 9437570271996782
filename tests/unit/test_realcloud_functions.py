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

"""How the real cloud's commands end on an error (bash, no cloud).

``realcloud`` runs under errexit, which stops it without a word: its EXIT
trap (lib/functions ``rc_on_exit``) names the step that failed and stops
the background installs setup started, so a failed setup leaves nothing
running.
"""

import os
import subprocess
import tempfile
import time

from oslotest import base

import tests

FUNCTIONS = os.path.join(tests.TOP, 'tools', 'realcloud', 'lib',
                         'functions')


def bash(script, env=None):
    """Run ``script`` as realcloud runs: errexit, lib/functions, the trap.

    RC_DIR has no log directory: rc_log writes to stderr only.
    """
    program = '''
        set -o errexit -o nounset -o pipefail
        RC_DIR=/nonexistent
        source "$1"
        RC_STEP= RC_BACKGROUND=
        trap rc_on_exit EXIT
        %s
    ''' % script
    return subprocess.run(['bash', '-c', program, 'bash', FUNCTIONS],
                          capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, **(env or {})))


def alive(pid):
    """The process runs (a zombie waiting for its parent does not)."""
    try:
        with open('/proc/%d/stat' % pid) as stat:
            return stat.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except FileNotFoundError:
        return False


class TestStepFails(base.BaseTestCase):

    def test_the_innermost_step_is_named(self):
        result = bash('rc_step outer rc_step inner false')
        self.assertEqual(1, result.returncode)
        self.assertIn('ERROR: step inner failed (exit 1)', result.stderr)
        self.assertNotIn('step outer failed', result.stderr)

    def test_a_step_that_ends_is_no_longer_named(self):
        result = bash('rc_step first true; exit 3')
        self.assertEqual(3, result.returncode)
        self.assertIn('step first done', result.stderr)
        self.assertNotIn('ERROR', result.stderr)

    def test_success_says_nothing(self):
        result = bash('rc_step only true')
        self.assertEqual(0, result.returncode)
        self.assertNotIn('ERROR', result.stderr)

    def test_rc_die_still_says_why(self):
        result = bash('rc_step init rc_die "keystone did not answer"')
        self.assertEqual(1, result.returncode)
        self.assertIn('ERROR: keystone did not answer', result.stderr)
        self.assertIn('ERROR: step init failed (exit 1)', result.stderr)


class TestBackgroundStops(base.BaseTestCase):

    def run_with_installs(self, ending):
        """A background job of two levels, then ``ending``; its PIDs."""
        pids = tempfile.NamedTemporaryFile(mode='r', delete=False)
        self.addCleanup(os.unlink, pids.name)
        result = bash('''
            ( sleep 300 & echo $! >> "$PIDS"
              bash -c 'sleep 300 & echo $! >> "$PIDS"; wait' &
              wait ) > /dev/null 2>&1 &
            RC_BACKGROUND=$!
            while [[ $(wc -l < "$PIDS") -lt 2 ]]; do sleep 0.1; done
            %s
        ''' % ending, env={'PIDS': pids.name})
        started = [int(line) for line in pids.read().split()]
        self.assertEqual(2, len(started))
        return result, started

    def gone(self, pids):
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in pids):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)
        return True

    def test_a_failed_setup_stops_every_install(self):
        result, started = self.run_with_installs('rc_step wait false')
        self.assertEqual(1, result.returncode)
        self.assertTrue(self.gone(started), started)

    def test_an_exit_after_the_installs_leaves_nothing_either(self):
        result, started = self.run_with_installs('exit 0')
        self.assertEqual(0, result.returncode)
        self.assertTrue(self.gone(started), started)

    def test_without_the_trap_they_would_run_on(self):
        # The test's own control: the same job outlives a shell without
        # rc_on_exit, so the tests above measure the trap.
        result, started = self.run_with_installs('trap - EXIT; exit 1')
        self.addCleanup(lambda: [os.kill(p, 9) for p in started
                                 if alive(p)])
        self.assertEqual(1, result.returncode)
        self.assertTrue(all(alive(pid) for pid in started), started)
