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

"""How the real cloud's lib/ceph reads what Ceph says (bash, no Ceph).

Setup waits until the OSD is up and every placement group active, and
``realcloud status`` fails only when Ceph does not answer or is in
HEALTH_ERR: both read the ``ceph`` command's output, given here as Ceph 16
prints it (``rc_ceph`` replaced by a function that echoes it).
"""

import os
import subprocess

from oslotest import base

import tests

CEPH = os.path.join(tests.TOP, 'tools', 'realcloud', 'lib', 'ceph')
OSD_UP = '1 osds: 1 up (since 5m), 1 in (since 5m); epoch: e20'


def bash(script, osd, pg='', health=''):
    """Run ``script`` with lib/ceph sourced and rc_ceph answering."""
    program = '''
        RC_DIR=$(mktemp -d)
        source "$1"
        function rc_ceph {
            case $1 in
                osd) [[ -n "$OSD" ]] && echo "$OSD" ;;
                pg) echo "$PG" ;;
                health) [[ -n "$HEALTH" ]] && echo "$HEALTH" ;;
            esac
        }
        %s
    ''' % script
    env = dict(os.environ, OSD=osd, PG=pg, HEALTH=health)
    return subprocess.run(['bash', '-c', program, 'bash', CEPH],
                          capture_output=True, text=True, env=env,
                          timeout=30)


class TestCephReady(base.BaseTestCase):

    def ready(self, pg, osd=OSD_UP):
        return bash('_rc_ceph_ready', osd, pg).returncode == 0

    def test_no_pool_yet(self):
        self.assertTrue(self.ready('0 pgs: ; 0 B data, 0 B used'))

    def test_every_group_active(self):
        self.assertTrue(self.ready(
            '65 pgs: 65 active+clean; 0 B data, 290 MiB used, 3.7 GiB / '
            '4 GiB avail'))
        self.assertTrue(self.ready(
            '9 pgs: 1 active+undersized, 8 active+clean; 0 B data'))

    def test_a_group_not_yet_active(self):
        self.assertFalse(self.ready(
            '65 pgs: 10 creating+peering, 55 active+clean; 0 B data'))
        self.assertFalse(self.ready('65 pgs: 65 unknown; 0 B data'))

    def test_the_osd_down_or_no_answer(self):
        self.assertFalse(self.ready(
            '0 pgs: ; 0 B data',
            osd='1 osds: 0 up (since 5m), 1 in (since 5m); epoch: e21'))
        self.assertFalse(self.ready('0 pgs: ; 0 B data', osd=''))


class TestCephHealth(base.BaseTestCase):

    def health(self, said):
        result = bash('rc_health_ceph', OSD_UP, health=said)
        return result.returncode, result.stdout.split(None, 1)[1].strip()

    def test_ok_and_warnings_pass_and_are_printed(self):
        self.assertEqual((0, 'HEALTH_OK'), self.health('HEALTH_OK'))
        self.assertEqual((0, 'HEALTH_WARN 1 osds down'),
                         self.health('HEALTH_WARN 1 osds down'))

    def test_error_or_silence_fails(self):
        self.assertEqual((1, 'HEALTH_ERR 1 full osd(s)'),
                         self.health('HEALTH_ERR 1 full osd(s)'))
        self.assertEqual((1, 'no answer'), self.health(''))
