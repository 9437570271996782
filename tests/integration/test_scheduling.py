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

"""Where nova-scheduler, with the plugin loaded from nova.conf, puts servers.

The README's promises: tagged flavors land only on hosts offering a tier
they accept (lvm, raw; nvme), best tier first (nvme > lvm > raw); untagged
flavors land anywhere; when only unsuitable hosts remain the boot fails
with NoValidHost and the scheduler says why in one line.
"""

import re

from tests.integration import base


def readme_flavor(test, storage, ram=65536, vcpus=16, disk=40):
    """A flavor made with the README's own command (openstack CLI)."""
    return test.readme_flavor(storage, ram=ram, vcpus=vcpus, disk=disk)


class TestPluginLoaded(base.RealCloudTestCase):

    def test_scheduler_logs_that_the_plugin_loaded_at_start(self):
        # nova-scheduler's log from its current process's first line up to
        # the first request: the plugin says it loaded before any request
        # reaches it.
        with open(base.os.path.join(base.RC_DIR, 'run',
                                    'nova-scheduler.pid')) as stream:
            pid = stream.read().strip()
        with open(base.os.path.join(base.LOG_DIR,
                                    'nova-scheduler.log')) as stream:
            lines = stream.read().splitlines()
        mine = [i for i, line in enumerate(lines)
                if re.match(r'\S+ \S+ %s ' % pid, line)]
        self.assertTrue(mine, 'no line of nova-scheduler pid %s' % pid)
        since = lines[mine[0]:]
        first_request = next((i for i, line in enumerate(since)
                              if 'Starting with' in line), len(since))
        startup = '\n'.join(since[:first_request])

        for name in ('AerospikeStorageFilter', 'AerospikeStorageWeigher'):
            loaded = [line for line in startup.splitlines()
                      if '%s loaded (aerospike-filters ' % name in line]
            self.assertEqual(1, len(loaded), startup[-2000:])
            self.assertIn(' INFO ', loaded[0])
            self.assertIn('storage_weight_multiplier=40.0', loaded[0])

    def test_tagged_request_runs_the_filter_and_logs_one_summary(self):
        # A flavor without its trait: placement offers every host.
        name = self.make_flavor({'aerospike:storage': 'lvm'}).name
        log = base.ServiceLog('nova-scheduler')
        status, host = self.boot(name)
        self.assertEqual(('ACTIVE', base.HOST['lvm']), (status, host))
        summary = log.matching('AerospikeStorageFilter: flavor %s ' % name)
        self.assertEqual(1, len(summary), summary)
        # Placement offers the computes the suite set up for this (the
        # parked libvirt compute is disabled): all but lvm are rejected.
        self.assertRegex(summary[0], r' INFO .*rejected %d of %d hosts' % (
            len(base.HOST) - 1, len(base.HOST)))
        self.assertTrue(log.matching(
            'Filter AerospikeStorageFilter returned 1 host(s)'))

    def test_with_its_trait_placement_offers_only_suitable_hosts(self):
        # The README's flavor: placement pre-selects, the filter agrees.
        name = readme_flavor(self, 'lvm', ram=1024, vcpus=1, disk=1)
        log = base.ServiceLog('nova-scheduler')
        self.assertEqual(('ACTIVE', base.HOST['lvm']), self.boot(name))
        self.assertTrue(log.matching(
            'Filter AerospikeStorageFilter returned 1 host(s)'))
        self.assertFalse(log.matching(
            'AerospikeStorageFilter: flavor %s rejected' % name))


class TestPlacement(base.RealCloudTestCase):

    def test_tagged_boots_land_only_on_lvm_or_raw(self):
        local = readme_flavor(self, 'local')
        hosts = [self.boot(local) for _ in range(4)]
        self.assertEqual([('ACTIVE', True)] * 4,
                         [(s, h in base.SUITABLE) for s, h in hosts], hosts)

    def test_each_tier_lands_on_its_backend(self):
        for tier in ('lvm', 'raw'):
            flavor = readme_flavor(self, tier)
            self.assertEqual(('ACTIVE', base.HOST[tier]), self.boot(flavor))

    def test_documented_order_lvm_before_raw(self):
        # README: the weigher ranks tagged hosts nvme, then lvm, then raw.
        # lvm has room for all of these: each one belongs there.
        local = readme_flavor(self, 'local', ram=4096, vcpus=2, disk=10)
        hosts = [self.boot(local) for _ in range(3)]
        self.assertEqual([('ACTIVE', base.HOST['lvm'])] * 3, hosts)

    def test_nvme_first(self):
        self.skipTest(base.NO_NVME)

    def test_untagged_boots_land_anywhere(self):
        hosts = [self.boot(base.PLAIN_FLAVOR) for _ in range(4)]
        self.assertEqual(['ACTIVE'] * 4, [s for s, _ in hosts], hosts)
        # nova spreads them; at least one on a host tagged flavors refuse.
        self.assertTrue({h for _, h in hosts} & base.UNSUITABLE, hosts)


class TestNoValidHost(base.RealCloudTestCase):

    def test_only_unsuitable_hosts_left(self):
        # Without its trait, so that the filter sees the unsuitable hosts
        # (with it, placement offers none and nova says so itself).
        local = self.make_flavor({'aerospike:storage': 'local'}).name
        # Every compute alive and reporting: only the filter decides.
        self.wait_services_up(since=base.time.time() - 20)
        self.disable_compute(base.HOST['lvm'])
        self.disable_compute(base.HOST['raw'])
        log = base.ServiceLog('nova-scheduler')
        status, detail = self.boot(local)
        self.assertEqual('ERROR', status)
        self.assertIn('No valid host was found', detail)
        # One clear line from the plugin saying why, naming the flavor.
        plugin = [line for line in log.lines()
                  if 'aerospike_filters' in line and
                  re.search(r' (INFO|WARNING|ERROR) ', line)]
        self.assertEqual(1, len(plugin), plugin)
        self.assertIn('flavor %s rejected 2 of 2 hosts' % local, plugin[0])
        self.assertIn('qcow2=1', plugin[0])
        self.assertIn('rbd=1', plugin[0])
        # and untagged flavors still boot there.
        status, host = self.boot(base.PLAIN_FLAVOR)
        self.assertEqual('ACTIVE', status)
        self.assertIn(host, base.UNSUITABLE)


def readme_scheduler_lines():
    """The README's nova.conf block (the snippet, shown verbatim)."""
    with open(base.os.path.join(base.TOP, 'README.rst')) as stream:
        text = stream.read()
    start = text.index("Then merge these lines into the scheduler's")
    start = text.index('::', start)
    block = []
    for line in text[start:].splitlines()[2:]:
        if line and not line.startswith('    '):
            break
        block.append(line[4:])
    return '\n'.join(block).strip() + '\n'


class TestReadmeConfiguration(base.RealCloudTestCase):
    """nova-scheduler with exactly the README's lines.

    The cloud normally runs the annotated snippet, which also sets the
    weigher multiplier.
    """

    def test_readme_lines_rank_lvm_before_raw(self):
        conf = base.os.path.join(base.NOVA_ETC, 'nova.conf.d',
                                 'aerospike.conf')
        with open(conf) as stream:
            saved = stream.read()

        def put_back():
            with open(conf, 'w') as stream:
                stream.write(saved)
            self.restart('nova-scheduler')

        self.addCleanup(put_back)
        with open(conf, 'w') as stream:
            stream.write(readme_scheduler_lines())
        self.restart('nova-scheduler')
        # README: "ranks the hosts of a tagged flavor nvme, then lvm, then
        # raw". lvm has room for both.
        local = readme_flavor(self, 'local', ram=1024, vcpus=1, disk=1)
        hosts = [self.boot(local) for _ in range(2)]
        self.assertEqual([('ACTIVE', base.HOST['lvm'])] * 2, hosts)
