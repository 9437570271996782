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

"""The operator tools against a real placement: HTTP requests and time.

The cloud of ``placement_preselection.py`` (its helpers build it: nova's
database, placement's WSGI application over sqlite, 5 % lvm hosts), with
no trait published yet and nova-api in the same process, for 1,000,
5,000 and 10,000 compute nodes. Each command runs as the console script
runs it, through openstacksdk, keystoneauth and requests; every HTTP
request it sends is counted at the requests boundary (placement and
nova-api apart):

* ``trait publish``: first run, steady state (nothing changed), after 1 %
  of the hosts moved from qcow2 to lvm;
* ``sync --traits`` on one compute: moving it to lvm, then again (steady);
* ``trait sync-facts`` once every compute published its facts (first
  run, steady state, after 1 % of the hosts published another backend);
* ``snapshot`` and ``doctor`` (live), before and after two NVMe devices
  per lvm host are reported to placement (child providers, as nova's
  ``[pci] report_in_placement`` makes them).

Run ``python benchmarks/operator_tools.py [--hosts 1000 5000 10000]``
from the functional test environment. It reports; it asserts nothing.
"""

import argparse
import os
import sys
import time

HOSTS = [1000, 5000, 10000]
MOVED_SHARE = 0.01
NVME_PER_HOST = 2
HERE = os.path.dirname(os.path.abspath(__file__))
# Appended, not prepended: PYTHONPATH may name another aerospike_filters
# to measure (the code before a change).
sys.path.append(os.path.dirname(HERE))


def build_case():
    import fixtures
    import placement_preselection
    base_case = placement_preselection.build_case()
    from nova import context
    from nova import objects
    from nova.tests import fixtures as nova_fixtures
    from oslo_utils import uuidutils

    from tests.functional import base
    from tests.functional import fake_driver

    class OperatorTools(base_case):

        results = {}

        def setUp(self):
            self.flags(api_paste_config=base.api_paste_config(),
                       group='wsgi')
            super().setUp()
            self.useFixture(nova_fixtures.RealPolicyFixture())
            self.api_fixture = self.useFixture(nova_fixtures.OSAPIFixture(
                api_version='v2.1'))
            self.conf_path = self.useFixture(fixtures.TempDir()).join(
                'nova.conf')
            with open(self.conf_path, 'w') as stream:
                stream.write(base.SCHEDULER_CONF)

        def measure(self, name, *argv):
            http = base.Http()
            conn = base.sdk_connection(self.api_fixture,
                                       self.placement_fixture,
                                       http=http.session)
            start = time.perf_counter()
            status, out, err = run_command(conn, *argv)
            elapsed = time.perf_counter() - start
            placement = http.count(self.placement_fixture.endpoint)
            self.results[(self.count, name)] = (
                placement, len(http.sent) - placement, elapsed, status)
            return status, out, err

        def add_nvme(self, lvm_hosts):
            ctxt = context.get_admin_context()
            rc = 'CUSTOM_PCI_%s_%s' % (fake_driver.NVME_VENDOR.upper(),
                                       fake_driver.NVME_PRODUCT.upper())
            self.placement.put('/resource_classes/%s' % rc, None,
                               version='1.7')
            nodes = {n.host: n.uuid for n in
                     objects.ComputeNodeList.get_all(ctxt)}
            for host in sorted(lvm_hosts):
                for device in range(NVME_PER_HOST):
                    uuid = uuidutils.generate_uuid()
                    self.placement.post('/resource_providers', {
                        'uuid': uuid, 'name': '%s_0000:8%d:00.0' % (
                            host, device),
                        'parent_provider_uuid': nodes[host]},
                        version='1.20')
                    self.placement.put(
                        '/resource_providers/%s/inventories' % uuid,
                        {'resource_provider_generation': 0, 'inventories': {
                            rc: {'total': 1}}}, version='1.20')

        def publish_facts(self, hosts):
            """Publish {host: backend} facts as nova-compute does."""
            from aerospike_filters import trait_contract
            ctxt = context.get_admin_context()
            nodes = {n.host: n.uuid for n in
                     objects.ComputeNodeList.get_all(ctxt)}
            for backend in set(hosts.values()):
                self.placement.put('/traits/%s' % trait_contract.backend_fact(
                    backend), None, version='1.6')
            for host, backend in sorted(hosts.items()):
                url = '/resource_providers/%s/traits' % nodes[host]
                body = self.placement.get(url, version='1.6').body
                kept = [t for t in body['traits']
                        if not trait_contract.is_fact(t)]
                self.placement.put(url, {
                    'traits': kept + [trait_contract.backend_fact(backend)],
                    'resource_provider_generation':
                        body['resource_provider_generation']},
                    version='1.6')

        def test_tools(self):
            self.count = count = int(os.environ['OPERATOR_TOOLS_HOSTS'])
            ctxt, lvm_hosts = self.make_cloud(count, publish=False)
            conf = ('--config-file', self.conf_path)
            self.measure('trait publish, first run', 'trait', 'publish',
                         *conf)
            self.measure('trait publish, steady', 'trait', 'publish', *conf)
            qcow2 = sorted(self.backends['qcow2'].hosts)
            for host in qcow2[:int(count * MOVED_SHARE)]:
                self.backends['qcow2'].delete_host(host)
                self.backends['lvm'].add_host(host)
                lvm_hosts.add(host)
            self.measure('trait publish, 1% changed', 'trait', 'publish',
                         *conf)
            sync = ('sync', '--host', qcow2[-1], '--backend', 'lvm',
                    '--traits') + conf
            self.measure('sync --traits, one compute moves', *sync)
            self.measure('sync --traits, steady', *sync)
            self.measure('snapshot', 'snapshot', '-o', os.devnull)
            self.measure('doctor', 'doctor', *conf)
            # Every compute publishes its facts (probe --provider-config).
            facts = {host: name for name, agg in self.backends.items()
                     for host in agg.hosts}
            self.publish_facts(facts)
            self.measure('sync-facts, first run', 'trait', 'sync-facts',
                         *conf)
            self.measure('sync-facts, steady', 'trait', 'sync-facts', *conf)
            qcow2 = sorted(h for h, b in facts.items() if b == 'qcow2')
            self.publish_facts({host: 'lvm' for host in
                                qcow2[:int(count * MOVED_SHARE)]})
            self.measure('sync-facts, 1% changed', 'trait', 'sync-facts',
                         *conf)
            self.add_nvme(lvm_hosts)
            self.measure('snapshot, NVMe in placement', 'snapshot', '-o',
                         os.devnull)
            self.measure('doctor, NVMe in placement', 'doctor', *conf)
            self.measure('trait publish, NVMe in placement', 'trait',
                         'publish', *conf)
            self.results[(count, 'devices')] = len(lvm_hosts) * NVME_PER_HOST

    return OperatorTools


def run_command(conn, *argv):
    """tests.functional.base.run_command, for the code measured.

    The code before the osc-lib shell (d132d58, the "before" figures)
    took the connection as OpenStackClient hands over its own.
    """
    import io
    import types

    from osc_lib import shell

    from aerospike_filters.cmd import main
    from tests.functional import base
    if issubclass(main.AerospikeFiltersApp, shell.OpenStackShell):
        return base.run_command(conn, *argv)
    out, err = io.StringIO(), io.StringIO()
    app = main.AerospikeFiltersApp(stdout=out, stderr=err)
    app.client_manager = types.SimpleNamespace(sdk_connection=conn)
    status = app.run(list(argv))
    return status, out.getvalue(), err.getvalue()


NAMES = ('trait publish, first run', 'trait publish, steady',
         'trait publish, 1% changed', 'sync --traits, one compute moves',
         'sync --traits, steady', 'snapshot', 'doctor',
         'sync-facts, first run', 'sync-facts, steady',
         'sync-facts, 1% changed',
         'snapshot, NVMe in placement', 'doctor, NVMe in placement',
         'trait publish, NVMe in placement')


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--hosts', type=int, nargs='+', default=HOSTS)
    args = parser.parse_args(argv)
    import unittest
    case = build_case()
    import aerospike_filters
    print('aerospike_filters from %s' % os.path.dirname(
        aerospike_filters.__file__))
    print('%6s %-34s %9s %6s %9s %6s'
          % ('nodes', 'command', 'placement', 'nova', 'seconds', 'exit'))
    for count in args.hosts:
        os.environ['OPERATOR_TOOLS_HOSTS'] = str(count)
        start = time.perf_counter()
        outcome = unittest.TextTestRunner(stream=sys.stderr,
                                          verbosity=0).run(
            unittest.TestSuite([case('test_tools')]))
        if not outcome.wasSuccessful():
            return 1
        for name in NAMES:
            placement, nova, elapsed, status = case.results[(count, name)]
            print('%6d %-34s %9d %6d %9.2f %6d'
                  % (count, name, placement, nova, elapsed, status))
        print('%6d (NVMe device providers: %d; whole run %.0f s)'
              % (count, case.results[(count, 'devices')],
                 time.perf_counter() - start))
        sys.stdout.flush()
    print('placement, nova: HTTP requests sent; seconds: wall time of the '
          'command; exit: its status (doctor: 1 = findings).')
    return 0


if __name__ == '__main__':
    sys.exit(main())
