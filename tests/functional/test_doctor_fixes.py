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

"""doctor's nova.conf fixes, applied verbatim, then a server boots.

Each fix is ``in nova.conf ..., [group] option = value; then restart ...``:
the test writes that line into the nova.conf doctor checked and into the
running cloud's options, restarts the scheduler's host manager (what a
restart of nova-scheduler reloads), boots, and runs doctor again.
"""

import itertools
import json
import re
import subprocess

from nova.pci import request as pci_request
from nova.scheduler import host_manager
from nova.tests.functional.api import client
from oslo_serialization import jsonutils

from tests.functional import base
from tests.functional import fake_driver

FIX = re.compile(r'\[(\w+)\] (\w+) = (.+?); then restart')
#: Neither the plugin nor PciPassthroughFilter enabled, no weigher.
BARE = base.SCHEDULER_CONF.replace(
    'ComputeFilter,PciPassthroughFilter,AerospikeStorageFilter',
    'ComputeFilter').replace(',\n  aerospike_filters.all_weighers', '')
NO_PCI_FILTER = base.SCHEDULER_CONF.replace(
    'ComputeFilter,PciPassthroughFilter,AerospikeStorageFilter',
    'ComputeFilter,AerospikeStorageFilter')


class TestNovaConfFixes(base.CloudTestCase):

    def setUp(self):
        self.flags(report_in_placement=True, group='pci')
        super().setUp()
        self.start_cloud({'lvm-1': 'lvm', 'nvme-1': ('lvm', 1)})
        self.nvme = self.flavor('aerospike.nvme', 'nvme', nvme=1)

    def doctor(self, path):
        status, out, err = self.run_cli('doctor', '--config-file', path,
                                        '-f', 'json')
        self.assertIn(status, (0, 1), err)
        return status, json.loads(out)

    def apply(self, fix, path):
        """Write the fix's option line into nova.conf and the cloud."""
        group, option, value = FIX.search(fix).groups()
        with open(path) as stream:
            lines = stream.read().splitlines()
        section, out, done = None, [], False
        for line in lines:
            if line.startswith('['):
                section = line.strip('[]')
            elif (section == group and
                  line.split('=')[0].strip() == option):
                if not done:
                    out.append('%s = %s' % (option, value))
                    done = True
                continue
            out.append(line)
        with open(path, 'w') as stream:
            stream.write('\n'.join(out) + '\n')
        self.assertTrue(done, (fix, lines))
        multi = option in ('alias', 'enabled_filters')
        parsed = ([value] if option == 'alias' else value.split(',')
                  if multi else value)
        self.flags(**{option: parsed, 'group': group})
        pci_request.get_alias_from_config.cache_clear()
        # What restarting nova-scheduler reloads: its host manager.
        self.scheduler_service.manager.host_manager = (
            host_manager.HostManager())

    def only(self, findings, subject, fragment):
        found = [f for f in findings
                 if f['Object'] == subject and fragment in f['Finding']]
        self.assertEqual(1, len(found), findings)
        return found[0]['Fix']

    def test_pci_passthrough_filter_missing(self):
        self.flags(enabled_filters=['ComputeFilter',
                                    'AerospikeStorageFilter'],
                   group='filter_scheduler')
        path = self.nova_conf(NO_PCI_FILTER)
        status, findings = self.doctor(path)
        self.assertEqual(1, status)
        fix = self.only(findings, '[filter_scheduler] enabled_filters',
                        'PciPassthroughFilter is off')
        self.assertNotIn('<', fix)
        self.apply(fix, path)
        self.assertEqual('nvme-1', self.host_of(self.boot(self.nvme)))
        self.assertEqual([], [f for f in self.doctor(path)[1]
                              if 'PciPassthroughFilter' in f['Finding']])

    def test_pci_alias_not_json(self):
        bad = base.SCHEDULER_CONF.replace(
            'alias = %s' % jsonutils.dumps(base.NVME_ALIAS),
            'alias = {not json\ndevice_spec = %s' % jsonutils.dumps(
                {'vendor_id': fake_driver.NVME_VENDOR,
                 'product_id': fake_driver.NVME_PRODUCT}))
        path = self.nova_conf(bad)
        self.flags(alias=['{not json'], group='pci')
        pci_request.get_alias_from_config.cache_clear()
        status, findings = self.doctor(path)
        self.assertEqual(1, status)
        fix = self.only(findings, '[pci] alias', 'is not a JSON object')
        self.assertNotIn('<', fix)
        # The cloud is broken as doctor says: nova-api refuses the boot.
        refused = self.assertRaises(client.OpenStackApiException,
                                    self.boot, self.nvme)
        self.assertIn('Invalid PCI alias definition', str(refused))
        self.apply(fix, path)
        self.assertEqual('nvme-1', self.host_of(self.boot(self.nvme)))
        self.assertEqual([], [f for f in self.doctor(path)[1]
                              if f['Object'] == '[pci] alias'])

    # Several findings on one option: one fix, whole, in any order.

    def option_fixes(self, findings):
        return {f['Fix'] for f in findings if FIX.search(f['Fix'])}

    def test_every_order_of_the_fixes_converges(self):
        path = self.nova_conf(BARE)
        with open(path) as stream:
            bare = stream.read()
        status, findings = self.doctor(path)
        self.assertEqual(1, status)
        on_filters = [f['Fix'] for f in findings
                      if f['Object'] == '[filter_scheduler] enabled_filters']
        # The plugin's finding and PciPassthroughFilter's: one fix, which
        # adds both (pasting one no longer undoes the other).
        self.assertEqual(2, len(on_filters), findings)
        self.assertEqual(1, len(set(on_filters)), on_filters)
        self.assertIn('PciPassthroughFilter,AerospikeStorageFilter',
                      on_filters[0])
        fixes = sorted(self.option_fixes(findings))
        self.assertEqual(2, len(fixes), fixes)
        for order in itertools.permutations(fixes):
            with open(path, 'w') as stream:
                stream.write(bare)
            for fix in order:
                self.apply(fix, path)
            status, after = self.doctor(path)
            self.assertEqual([], [f for f in after
                                  if f['Object'].startswith('[')], order)
        self.assertEqual('nvme-1', self.host_of(self.boot(self.nvme)))

    def test_the_table_prints_each_fix_whole(self):
        path = self.nova_conf(BARE)
        findings = self.doctor(path)[1]
        status, out, err = self.run_cli('doctor', '--config-file', path,
                                        '--max-width', '60')
        self.assertEqual(1, status, err)
        printed = out.split('Fixes (each on one line, to copy whole):\n')[1]
        lines = [line.split('. ', 1)[1] for line in printed.splitlines()]
        self.assertEqual(sorted({f['Fix'] for f in findings}),
                         sorted(lines))
        status, out, err = self.run_cli('doctor', '--config-file', path,
                                        '-f', 'value', '-c', 'Fix')
        self.assertEqual(sorted(f['Fix'] for f in findings),
                         sorted(out.splitlines()))
        commands = [line for line in lines
                    if line.startswith(('openstack ', 'aerospike-filters '))]
        self.assertTrue(commands, lines)
        for line in commands:
            # Pasted into a shell, the line is one whole command line.
            pasted = subprocess.run(['bash', '-n', '-c', line],
                                    capture_output=True, text=True)
            self.assertEqual(0, pasted.returncode, (line, pasted.stderr))
