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

"""One place that starts an in-process cloud with the plugin enabled.

:class:`CloudTestCase` runs nova's real API (wsgi-intercepted), conductor,
scheduler and placement in the test process, with a sqlite database and
RPC over the fake transport, exactly as nova's own functional tests do
(``nova.tests.functional.integrated_helpers``). Compute services use the
fake virt driver, with NVMe drives where asked.

Usage::

    class TestX(base.CloudTestCase):
        def test_y(self):
            self.start_cloud({'lvm-1': 'lvm', 'qcow2-1': 'qcow2',
                              'nvme-1': (None, 2)})
            flavor = self.flavor('aerospike.local', 'local')
            server = self.boot(flavor)
            self.assertEqual('lvm-1', self.host_of(server))

A layout maps host names to a backend (the host joins the aggregate
``aerospike-backend-<backend>`` with ``ephemeral_backend=<backend>``, made
through the compute API), to None (no backend published), or to
``(backend, nvme drives)``. Class attributes choose the scheduler's
configuration: ``PLUGIN`` (enable the filter and weigher),
``ISOLATE`` (``isolate_dedicated_hosts``), ``WEIGHT_MULTIPLIER`` (None: the
option's default).
"""

import io
import json
import os
import shlex
import subprocess
import sys
import threading
import types

from cliff import commandmanager
import fixtures
from nova import test
from nova.tests import fixtures as nova_fixtures
from nova.tests.functional import fixtures as func_fixtures
from nova.tests.functional import integrated_helpers
from oslo_serialization import jsonutils

from aerospike_filters.cmd import main
from aerospike_filters import conf  # noqa: F401  (registers the options)
from tests.functional import fake_driver

NOVA_FILTERS = ['ComputeFilter', 'ComputeCapabilitiesFilter',
                'ImagePropertiesFilter', 'ServerGroupAntiAffinityFilter',
                'ServerGroupAffinityFilter', 'PciPassthroughFilter']
NVME_ALIAS = {'name': 'nvme', 'vendor_id': fake_driver.NVME_VENDOR,
              'product_id': fake_driver.NVME_PRODUCT,
              'device_type': 'type-PCI'}
AGGREGATE_PREFIX = 'aerospike-backend-'
#: A scheduler nova.conf with the plugin, for the commands' --config-file.
SCHEDULER_CONF = """[filter_scheduler]
available_filters = nova.scheduler.filters.all_filters
available_filters = aerospike_filters.all_filters
enabled_filters = ComputeFilter,PciPassthroughFilter,AerospikeStorageFilter
weight_classes = nova.scheduler.weights.all_weighers,
  aerospike_filters.all_weighers
[pci]
alias = %s
""" % jsonutils.dumps(NVME_ALIAS)
#: OpenStackClient's command groups the tools' fixes use.
OSC_NAMESPACES = ('openstack.compute.v2', 'openstack.common')


class InProcessCloudApp(main.AerospikeFiltersApp):
    """The console script's app, logged in to the in-process cloud.

    As if an openrc's OS_* variables named it (OS_AUTH_URL): osc-lib's
    shell runs as for any cloud, but authenticating hands over ``conn``.
    """

    def __init__(self, conn, **kwargs):
        super().__init__(**kwargs)
        self.conn = conn

    def initialize_app(self, argv):
        super().initialize_app(argv)
        self.options.auth_url = 'http://in-process/identity'

    def prepare_to_run_command(self, cmd):
        if getattr(cmd, 'auth_required', False):
            if self.options.cloud:
                raise ValueError('no cloud %r here' % self.options.cloud)
            self.client_manager = types.SimpleNamespace(
                sdk_connection=self.conn)


def api_paste_config():
    """nova's api-paste.ini as pip installs it: <prefix>/etc/nova/."""
    for prefix in (sys.prefix, sys.base_prefix):
        path = os.path.join(prefix, 'etc', 'nova', 'api-paste.ini')
        if os.path.exists(path):
            return path
    raise RuntimeError('nova api-paste.ini not found under %s/etc/nova'
                       % sys.prefix)


def sdk_connection(api_fixture, placement_fixture, roles=('admin',),
                   user='admin', http=None):
    """An openstacksdk Connection to an in-process nova-api and placement.

    Requests go through keystoneauth and requests (``http``, a
    requests.Session, when given) to the wsgi-intercepted nova-api and
    placement, as the admin tooling's would to a real cloud; only Keystone
    is replaced, by the headers nova's and placement's test pipelines read
    instead of a token.
    """
    from keystoneauth1 import noauth
    from keystoneauth1 import session as ks_session
    import openstack.connection
    session = ks_session.Session(
        auth=noauth.NoAuth(), session=http, additional_headers={
            'X-Auth-User': user,
            'X-Auth-Project-Id': api_fixture.project_id,
            'X-Roles': ','.join(roles), 'X-Auth-Token': 'admin'})
    return openstack.connection.Connection(
        session=session,
        compute_endpoint_override=api_fixture.admin_api.base_url,
        placement_endpoint_override=placement_fixture.endpoint,
        compute_api_version='2', placement_api_version='1')


def run_command(conn, *argv):
    """(exit status, stdout, stderr) of one aerospike-filters command.

    It runs in this process as the console script runs it; with ``conn``
    (an openstacksdk connection), the shell authenticates to that cloud
    (it stands in for the one osc-lib's client manager builds from
    clouds.yaml, as in OpenStackClient).
    """
    out, err = io.StringIO(), io.StringIO()
    app = (InProcessCloudApp(conn, stdout=out, stderr=err)
           if conn is not None else
           main.AerospikeFiltersApp(stdout=out, stderr=err))
    status = app.run(list(argv))
    return status, out.getvalue(), err.getvalue()


class Http:
    """The HTTP boundary of a Connection: counts requests, injects faults.

    ``session`` is the requests.Session to pass to :func:`sdk_connection`.
    Every request sent is recorded as (method, URL); each function of
    ``faults`` is called with the prepared request before it is sent and
    may return a requests.Response to answer instead of the cloud (what a
    real placement cannot be made to do: a 5xx, a body cut short).
    """

    def __init__(self):
        import requests
        self.sent = []
        self.faults = []
        boundary = self

        class Adapter(requests.adapters.HTTPAdapter):
            def send(self, request, **kwargs):
                boundary.sent.append((request.method, request.url))
                for fault in list(boundary.faults):
                    response = fault(request)
                    if response is not None:
                        response.request = request
                        response.url = request.url
                        return response
                return super().send(request, **kwargs)

        self.session = requests.Session()
        self.session.mount('http://', Adapter())

    def count(self, contains=''):
        """How many requests were sent whose URL contains ``contains``."""
        return sum(1 for _, url in self.sent if contains in url)

    @staticmethod
    def response(status, body=b''):
        """A requests.Response the cloud did not send."""
        import requests
        response = requests.Response()
        response.status_code = status
        response._content = body
        response.headers['Content-Type'] = 'application/json'
        return response


class CloudTestCase(test.TestCase,
                    integrated_helpers.PlacementInstanceHelperMixin):
    """An in-process nova with the Aerospike filter and weigher."""

    PLUGIN = True
    ISOLATE = False
    WEIGHT_MULTIPLIER = None
    MICROVERSION = 'latest'
    COMPUTE_DRIVER = fake_driver.NAME + '.NvmeFakeDriver'
    #: What the commands read when given no --config-file (on a real
    #: scheduler host: /etc/nova/nova.conf).
    NOVA_CONF = '/nonexistent/nova.conf'

    def setUp(self):
        fake_driver.register()
        self.flags(compute_driver=self.COMPUTE_DRIVER)
        self.flags(api_paste_config=api_paste_config(), group='wsgi')
        super().setUp()
        # Hermetic: the commands' default nova.conf is the test's choice.
        self.useFixture(fixtures.MonkeyPatch(
            'aerospike_filters.cmd.base.DEFAULT_CONFIG_FILE', self.NOVA_CONF))
        self.configure_scheduler()
        self.flags(device_spec=[jsonutils.dumps(
            {'vendor_id': fake_driver.NVME_VENDOR,
             'product_id': fake_driver.NVME_PRODUCT})],
            alias=[jsonutils.dumps(NVME_ALIAS)], group='pci')
        from nova.pci import request as pci_request
        pci_request.get_alias_from_config.cache_clear()
        self.addCleanup(pci_request.get_alias_from_config.cache_clear)
        self.addCleanup(fake_driver.NVME_DRIVES.clear)
        self.addCleanup(fake_driver.NODE_NAMES.clear)

        self.policy = self.useFixture(nova_fixtures.RealPolicyFixture())
        self.neutron = self.useFixture(nova_fixtures.NeutronFixture(self))
        self.glance = self.useFixture(nova_fixtures.GlanceFixture(self))
        self.useFixture(nova_fixtures.CinderFixture(self))
        self.placement_fixture = self.useFixture(
            func_fixtures.PlacementFixture())
        self.placement = self.placement_fixture.api
        self.useFixture(nova_fixtures.AllServicesCurrent())
        self.notifier = self.useFixture(
            nova_fixtures.NotificationFixture(self))
        self.api_fixture = self.useFixture(nova_fixtures.OSAPIFixture(
            api_version='v2.1'))
        self.admin_api = self.api_fixture.admin_api
        self.admin_api.microversion = self.MICROVERSION
        #: A tenant (non-admin) client.
        self.tenant_api = self.api_fixture.api
        self.tenant_api.microversion = self.MICROVERSION
        self.api = self.admin_api
        self.start_service('conductor')
        self.scheduler_service = self.start_service('scheduler')
        self.aggregates = {}

    def configure_scheduler(self):
        filters = NOVA_FILTERS + (['AerospikeStorageFilter']
                                  if self.PLUGIN else [])
        weighers = ['nova.scheduler.weights.all_weighers'] + (
            ['aerospike_filters.all_weighers'] if self.PLUGIN else [])
        self.flags(available_filters=['nova.scheduler.filters.all_filters',
                                      'aerospike_filters.all_filters'],
                   enabled_filters=filters, weight_classes=weighers,
                   group='filter_scheduler')
        self.flags(isolate_dedicated_hosts=self.ISOLATE,
                   group='aerospike_filters')
        if self.WEIGHT_MULTIPLIER is not None:
            self.flags(storage_weight_multiplier=self.WEIGHT_MULTIPLIER,
                       group='aerospike_filters')

    # The cloud

    def start_cloud(self, layout):
        """Start one compute per host of the layout and publish backends."""
        for host, offer in layout.items():
            backend, drives = offer if isinstance(offer, tuple) else (
                offer, 0)
            if drives:
                fake_driver.NVME_DRIVES[host] = drives
            self._start_compute(host)
            if backend is not None:
                self.add_to_aggregate(AGGREGATE_PREFIX + backend, host,
                                      {'ephemeral_backend': backend})

    def aggregate(self, name, metadata=None):
        """The id of aggregate ``name``, created (with metadata) if new."""
        if name not in self.aggregates:
            self.aggregates[name] = self._create_aggregate(name)
        if metadata:
            self.admin_api.post_aggregate_action(
                self.aggregates[name],
                {'set_metadata': {'metadata': metadata}})
        return self.aggregates[name]

    def add_to_aggregate(self, name, host, metadata=None):
        self.admin_api.add_host_to_aggregate(
            self.aggregate(name, metadata), host)

    def set_service(self, host, enabled):
        service = self.admin_api.get_services(
            binary='nova-compute', host=host)[0]
        self.admin_api.put_service(
            service['id'], {'status': 'enabled' if enabled else 'disabled'})

    def sdk(self, roles=('admin',), user='admin', http=None):
        """An openstacksdk Connection to this in-process cloud.

        See :func:`sdk_connection`; ``http``: the requests.Session to send
        through (to count or fail requests at the HTTP boundary).
        """
        return sdk_connection(self.api_fixture, self.placement_fixture,
                              roles=roles, user=user, http=http)

    # Commands, as an admin runs them

    def run_cli(self, *argv, connection=True, http=None):
        """(exit status, stdout, stderr) of one aerospike-filters command.

        See :func:`run_command`; the connection's requests go through
        ``http`` (an :class:`Http`) when given.
        """
        return run_command(self.sdk(http=http and http.session)
                           if connection else None, *argv)

    def run_concurrently(self, commands):
        """Run each command line in its own thread; assert each exits 0.

        Returns [(argv, (status, stdout, stderr))] in the order they ended.
        """
        results = []

        def run(*argv):
            results.append((argv, self.run_cli(*argv)))

        threads = [threading.Thread(target=run, args=argv)
                   for argv in commands]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for argv, (status, out, err) in results:
            self.assertEqual(0, status, (argv, out, err))
        self.assertEqual(len(commands), len(results))
        return results

    def nova_conf(self, text=SCHEDULER_CONF):
        """A nova.conf file with ``text``; its path."""
        path = self.useFixture(fixtures.TempDir()).join('nova.conf')
        with open(path, 'w') as stream:
            stream.write(text)
        return path

    def run_printed(self, command_line):
        """Apply a command line a tool printed, verbatim.

        ``openstack ...`` commands (several may be joined with ``&&``) run
        through OpenStackClient's own command classes and argument parser
        against this cloud, honouring ``--os-compute-api-version``;
        ``aerospike-filters ...`` commands through the console script's
        app. Anything else fails the test: a fix no one can apply is a
        defect.
        """
        for part in command_line.split(' && '):
            argv = shlex.split(part)
            if argv[0] == 'aerospike-filters':
                status, out, err = self.run_cli(*argv[1:])
                self.assertEqual(0, status, (part, out, err))
            elif argv[0] == 'openstack':
                self._run_openstack(argv[1:])
            else:
                self.fail('cannot apply %r' % part)

    def run_in_bash(self, command_line):
        """Apply a command line a tool printed through a real shell.

        bash parses it, as in the admin's terminal; ``openstack`` and
        ``aerospike-filters`` there are stand-ins that record the words
        bash gives them, which then run as :meth:`run_printed` runs them.
        Returns the recorded argv lists; a word bash split, expanded or
        ran on its own (``;``, ``$()``) shows there, or in ``canary``.
        """
        work = self.useFixture(fixtures.TempDir()).path
        record = os.path.join(work, 'argv.jsonl')
        for name in ('openstack', 'aerospike-filters'):
            stub = os.path.join(work, name)
            with open(stub, 'w') as stream:
                stream.write('#!%s\nimport json, os, sys\n'
                             'with open(%r, "a") as f:\n'
                             '    f.write(json.dumps([os.path.basename('
                             'sys.argv[0])] + sys.argv[1:]) + "\\n")\n'
                             % (sys.executable, record))
            os.chmod(stub, 0o755)
        result = subprocess.run(
            ['bash', '-c', command_line], cwd=work, capture_output=True,
            text=True, timeout=60,
            env={'PATH': work + ':/usr/bin:/bin', 'HOME': work})
        self.assertEqual(0, result.returncode, (command_line, result))
        self.assertEqual(sorted(os.listdir(work)),
                         ['aerospike-filters', 'argv.jsonl', 'openstack'],
                         'the shell ran something else: %r' % command_line)
        with open(record) as stream:
            calls = [json.loads(line) for line in stream]
        for argv in calls:
            if argv[0] == 'aerospike-filters':
                status, out, err = self.run_cli(*argv[1:])
                self.assertEqual(0, status, (argv, out, err))
            else:
                self._run_openstack(argv[1:])
        return calls

    def _run_openstack(self, argv):
        conn = self.sdk()
        if argv[:1] == ['--os-compute-api-version']:
            conn.compute.default_microversion = argv[1]
            argv = argv[2:]
        for namespace in OSC_NAMESPACES:
            try:
                factory, name, args = commandmanager.CommandManager(
                    namespace).find_command(argv)
                break
            except ValueError:
                continue
        else:
            self.fail('no openstack command %r' % ' '.join(argv))
        # This cloud has no Keystone (headers stand in for tokens); the
        # flavor commands check the identity API version and use it only
        # for --project: a stand-in with the version and nothing else.
        sdk_connection = types.SimpleNamespace(
            compute=conn.compute,
            identity=types.SimpleNamespace(api_version='3'))
        app = types.SimpleNamespace(
            client_manager=types.SimpleNamespace(
                compute=conn.compute, sdk_connection=sdk_connection),
            stdout=io.StringIO(), stderr=io.StringIO())
        command = factory(app, None)
        command.run(command.get_parser('openstack ' + name).parse_args(args))

    # Flavors and servers

    def flavor(self, name, storage=None, nvme=None, memory_mb=512, vcpu=1,
               extra_specs=None):
        """Create a flavor; ``storage`` sets aerospike:storage."""
        specs = dict(extra_specs or {})
        if storage is not None:
            specs['aerospike:storage'] = storage
        if nvme:
            specs['pci_passthrough:alias'] = 'nvme:%d' % nvme
        return self._create_flavor(name=name, memory_mb=memory_mb,
                                   vcpu=vcpu, disk=1, ephemeral=0,
                                   extra_spec=specs or None)

    def boot(self, flavor_id, expected='ACTIVE', count=1, hints=None,
             api=None):
        """Create ``count`` servers of a flavor; wait for ``expected``.

        Returns the server (or, with count > 1, the list of servers).
        """
        body = self._build_server(flavor_id=flavor_id, networks='none')
        request = {'server': body}
        if count > 1:
            body['min_count'] = body['max_count'] = count
            body['return_reservation_id'] = True
        if hints:
            request['os:scheduler_hints'] = hints
        api = api or self.api
        created = api.post_server(request)
        if count == 1:
            return self._wait_for_state_change(created, expected)
        servers = self.admin_api.get_servers(search_opts={
            'reservation_id': created['reservation_id']})
        return [self._wait_for_state_change(server, expected)
                for server in servers]

    def host_of(self, server):
        server = self.admin_api.get_server(server['id'])
        return server['OS-EXT-SRV-ATTR:host']

    def assertNoValidHost(self, server):
        server = self.admin_api.get_server(server['id'])
        self.assertEqual('ERROR', server['status'])
        self.assertIn('No valid host', server['fault']['message'])
