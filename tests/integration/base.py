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

"""What the integration suite needs from the real cloud (tools/realcloud).

Everything goes through public interfaces: the cloud's ``openstack`` and
``aerospike-filters`` commands (nova's environment, where the plugin is
installed as the README says), openstacksdk against the APIs, the service
logs, and ``tools/realcloud/realcloud`` to stop and start services. No
plugin module is imported.

Servers boot with no network (neutron runs with ML2 and no agent, so no
port could bind) and are read and deleted through nova's API like any
server: each test deletes what it boots.
"""

import json
import os
import shlex
import subprocess
import time
import uuid

import openstack
import testtools

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
TOOL = os.path.join(TOP, 'tools', 'realcloud', 'realcloud')
RC_DIR = os.environ.get('REALCLOUD_DIR', '/opt/aerospike-filters-realcloud')
LOG_DIR = os.path.join(RC_DIR, 'log')
NOVA_ETC = os.path.join(RC_DIR, 'etc', 'nova')
SCHEDULER_CONF = [os.path.join(NOVA_ETC, 'nova.conf'),
                  os.path.join(NOVA_ETC, 'nova.conf.d', 'aerospike.conf'),
                  os.path.join(NOVA_ETC, 'scheduler.conf')]
BIN = os.path.join(RC_DIR, 'venv-nova', 'bin')
IMAGE = 'realcloud-tiny'
PLAIN_FLAVOR = 'realcloud.plain'
BOOT_TIMEOUT = int(os.environ.get('REALCLOUD_BOOT_TIMEOUT', '180'))

# The hosts tools/realcloud describes, by backend (probe + sync).
HOST = {'lvm': 'compute-lvm', 'raw': 'compute-raw',
        'qcow2': 'compute-qcow2', 'rbd': 'compute-rbd'}
SUITABLE = {HOST['lvm'], HOST['raw']}
UNSUITABLE = {HOST['qcow2'], HOST['rbd']}


def compute_hosts():
    """Every compute's host, as setup wrote them (state/compute-hosts)."""
    try:
        with open(os.path.join(RC_DIR, 'state', 'compute-hosts')) as stream:
            return [line.strip() for line in stream if line.strip()]
    except FileNotFoundError:
        return sorted(HOST.values())


def parked_hosts():
    """The computes setup leaves disabled: the libvirt compute, if any.

    It takes servers only while its own tests run (test_guest_disk), so
    nothing else depends on its resources.
    """
    return set(compute_hosts()) - set(HOST.values())


def backends():
    """host -> the backend the cloud describes it with.

    The fake computes' are their names'; the real libvirt compute (where
    it runs) is flat, forced raw: raw.
    """
    found = {host: backend for backend, host in HOST.items()}
    for host in compute_hosts():
        found.setdefault(host, 'raw')
    return found


def skip_without(test_class, part):
    """Skip the class, saying why, where setup left a part of the cloud out.

    ``part`` is libvirt, ceph or cinder: setup writes the one-line reason
    it could not run one into state/<part>-skip (tools/realcloud/lib/).
    """
    try:
        with open(os.path.join(RC_DIR, 'state', part + '-skip')) as stream:
            reason = stream.read().strip()
    except FileNotFoundError:
        return
    raise test_class.skipException('no %s in this cloud: %s' % (part, reason))


def root_volume(volume):
    """The block device mapping of a server booted from ``volume``."""
    return {'boot_index': 0, 'uuid': volume.id, 'source_type': 'volume',
            'destination_type': 'volume', 'delete_on_termination': False}


NO_NVME = ('NVMe passthrough cannot exist with nova\'s fake driver (no PCI '
           'devices); tests/functional covers the nvme tier in-process')


def cloud_env():
    env = dict(os.environ)
    env.update({
        'PATH': BIN + os.pathsep + env.get('PATH', ''),
        'OS_CLIENT_CONFIG_FILE': os.path.join(RC_DIR, 'etc', 'clouds.yaml'),
        'OS_CLOUD': 'realcloud',
        'REALCLOUD_DIR': RC_DIR,
        'PYTHONWARNINGS': 'ignore',
    })
    for name in ('OS_AUTH_URL', 'OS_USERNAME', 'OS_PASSWORD',
                 'OS_PROJECT_NAME', 'OS_TOKEN'):
        env.pop(name, None)
    return env


def run(argv, timeout=300, env=None, check=False):
    """Run a command of the cloud; CompletedProcess with text output."""
    result = subprocess.run(argv, capture_output=True, text=True,
                            timeout=timeout, env=env or cloud_env())
    if check and result.returncode != 0:
        raise AssertionError('%s exited %d:\n%s%s' % (
            shlex.join(argv), result.returncode, result.stdout,
            result.stderr))
    return result


class ServiceLog(object):
    """New lines of a service's log since the object was made."""

    def __init__(self, name):
        self.path = os.path.join(LOG_DIR, name + '.log')
        self.offset = os.path.getsize(self.path) if os.path.exists(
            self.path) else 0

    def lines(self):
        if not os.path.exists(self.path):
            return []
        with open(self.path, errors='replace') as stream:
            stream.seek(self.offset)
            return stream.read().splitlines()

    def matching(self, text):
        return [line for line in self.lines() if text in line]


class RealCloudTestCase(testtools.TestCase):
    """Base of the integration tests: skips unless the cloud is up."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        reason = os.environ.get('REALCLOUD_SKIP')
        if reason:
            raise cls.skipException(reason)
        clouds = os.path.join(RC_DIR, 'etc', 'clouds.yaml')
        if not os.path.exists(clouds):
            raise cls.skipException(
                'no real cloud in %s: run tools/realcloud/realcloud setup '
                '(or tox -e integration)' % RC_DIR)
        # openstacksdk reads clouds.yaml from OS_CLIENT_CONFIG_FILE.
        os.environ['OS_CLIENT_CONFIG_FILE'] = clouds
        cls.conn = openstack.connect(cloud='realcloud')

    # --- commands ---------------------------------------------------------

    def disable_compute(self, host):
        """Disable a compute service for this test; enabled again after."""
        self.openstack('compute', 'service', 'set', '--disable',
                       '--disable-reason', 'integration test', host,
                       'nova-compute')
        self.addCleanup(self.openstack, 'compute', 'service', 'set',
                        '--enable', host, 'nova-compute')

    def openstack(self, *args, check=True, timeout=300):
        return run([os.path.join(BIN, 'openstack')] + list(args),
                   timeout=timeout, check=check)

    def aerospike(self, *args, check=True, timeout=300):
        return run([os.path.join(BIN, 'aerospike-filters')] + list(args),
                   timeout=timeout, check=check)

    def conf_args(self):
        """--config-file for each file nova-scheduler reads."""
        args = []
        for path in SCHEDULER_CONF:
            args += ['--config-file', path]
        return args

    def realcloud(self, *args, check=True, timeout=600):
        return run([TOOL] + list(args), timeout=timeout, check=check)

    def restart(self, service):
        """Restart one service and wait until every nova service is up.

        ``since`` is taken once the old process has exited: a report from
        it must not count. A restarted nova-compute reports only after its
        start-up (init_host) is done; a boot scheduled onto it before that
        is put in ERROR by nova ("unclaimed instances stuck in BUILDING").
        """
        self.realcloud('restart', service)
        # One second of margin: the database keeps whole seconds.
        self.wait_services_up(since=time.time() + 1)

    def wait_services_up(self, timeout=300, since=None):
        """Every endpoint answers and every nova service is up.

        With since (epoch seconds), every nova service has reported after
        that time: nova shows a service up for 60 s after its last report,
        so right after an outage "up" alone proves nothing.
        """
        deadline = time.time() + timeout
        result = None
        argv = [os.path.join(BIN, 'python'),
                os.path.join(TOP, 'tools', 'realcloud', 'api_steps.py'),
                'check']
        if since is not None:
            argv += ['--since', str(since)]
        while time.time() < deadline:
            result = run(argv)
            if result.returncode == 0:
                return
            time.sleep(3)
        self.fail('the cloud did not come back: %s' % result.stdout)

    # --- flavors and servers ---------------------------------------------

    def unique(self, prefix):
        return '%s-%s' % (prefix, uuid.uuid4().hex[:8])

    def make_flavor(self, specs, ram=1024, vcpus=1, disk=1, name=None):
        name = name or self.unique('it')
        flavor = self.conn.compute.create_flavor(name=name, ram=ram,
                                                 vcpus=vcpus, disk=disk)
        self.addCleanup(self.conn.compute.delete_flavor, flavor.id,
                        ignore_missing=True)
        if specs:
            self.conn.compute.create_flavor_extra_specs(flavor, specs)
        return flavor

    def create(self, flavor, name=None):
        """POST /servers without waiting; returns the server's id.

        The server is deleted (and its deletion awaited) at cleanup.
        """
        flavor = self.conn.compute.find_flavor(flavor, ignore_missing=False) \
            if isinstance(flavor, str) else flavor
        image = self.conn.image.find_image(IMAGE, ignore_missing=False)
        server = self.conn.compute.create_server(
            name=name or self.unique('it'), flavor_id=flavor.id,
            image_id=image.id, networks='none')
        self.addCleanup(self.delete_server, server.id)
        return server.id

    def delete_server(self, server_id):
        server = self.conn.compute.find_server(server_id)
        if server is not None:
            self.conn.compute.delete_server(server)
            self.conn.compute.wait_for_delete(server, wait=BOOT_TIMEOUT)

    def status(self, server_id):
        """ACTIVE, ERROR or None (still building)."""
        status = self.conn.compute.get_server(server_id).status
        return status if status in ('ACTIVE', 'ERROR') else None

    def failure(self, server_id):
        """Why a boot failed, from the create action's events.

        nova records the conductor's scheduling and the compute's build,
        and from microversion 2.84 an error's message in ``details``.
        """
        url = '/servers/%s/os-instance-actions' % server_id
        found = []
        for action in self.conn.compute.get(
                url, microversion='2.84').json()['instanceActions']:
            events = self.conn.compute.get(
                '%s/%s' % (url, action['request_id']),
                microversion='2.84').json()['instanceAction']['events']
            for event in events:
                found.append('%s %s: %s\n%s' % (
                    event['event'], event.get('result'),
                    event.get('details'), event.get('traceback') or ''))
        return '\n'.join(found) or (
            'no instance action event failed: something outside the '
            'build set the instance to ERROR (see the nova-compute logs)')

    def outcome(self, server_id, timeout=BOOT_TIMEOUT, pending_ok=False):
        """('ACTIVE', host) or ('ERROR', why) of a boot."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            status = self.status(server_id)
            if status == 'ACTIVE':
                return status, self.host_of(server_id)
            if status == 'ERROR':
                return status, self.failure(server_id)
            time.sleep(1)
        if pending_ok:
            return 'BUILD', None
        self.fail('server %s neither booted nor failed in %ss' % (
            server_id, timeout))

    def boot(self, flavor, name=None):
        """Boot and wait; returns (status, host or error text)."""
        return self.outcome(self.create(flavor, name))

    def host_of(self, server_id):
        """The compute the server runs on (its admin host attribute)."""
        return self.conn.compute.get_server(server_id).compute_host

    def backend_aggregates(self):
        """host -> set of ephemeral_backend values of its aggregates."""
        found = {}
        for aggregate in self.conn.compute.aggregates():
            backend = (aggregate.metadata or {}).get('ephemeral_backend')
            if backend:
                for host in aggregate.hosts or []:
                    found.setdefault(host, set()).add(backend)
        return found

    def volume_from_image(self, image=IMAGE):
        """A 1 GiB cinder volume made from the image, available.

        Bounded: a volume that goes to error, or a cinder or Ceph that
        stops answering, fails the test with the reason. Deleted (and its
        deletion awaited) at cleanup.
        """
        image = self.conn.image.find_image(image, ignore_missing=False)
        volume = self.conn.block_storage.create_volume(
            name=self.unique('it-volume'), size=1, image_id=image.id)
        self.addCleanup(self.delete_volume, volume.id)
        return self.conn.block_storage.wait_for_status(
            volume, 'available', failures=['error'], wait=BOOT_TIMEOUT)

    def delete_volume(self, volume_id):
        volume = self.conn.block_storage.find_volume(volume_id)
        if volume is not None:
            # Forced: the server that had it attached may have just gone.
            self.conn.block_storage.delete_volume(volume, force=True)
            self.conn.block_storage.wait_for_delete(volume,
                                                    wait=BOOT_TIMEOUT)

    def doctor_findings(self, subject, text):
        """doctor's findings (JSON) on one object whose text has ``text``."""
        result = self.aerospike('doctor', '--os-cloud', 'realcloud',
                                *self.conf_args(), '-f', 'json', check=False)
        self.assertIn(result.returncode, (0, 1), result.stderr)
        return [f for f in json.loads(result.stdout)
                if f['Object'] == subject and text in f['Finding']]

    def json_of(self, result):
        return json.loads(result.stdout)

    # --- placement pre-selection -----------------------------------------

    def managed_traits(self, host):
        """The tier traits (trait publish's) of a compute node's provider.

        Not its fact traits (CUSTOM_AEROSPIKE_FACT_*): nova-compute adds
        those, from its provider config.
        """
        providers = self.conn.placement.get(
            '/resource_providers?name=%s' % host).json()['resource_providers']
        self.assertEqual(1, len(providers), providers)
        traits = self.conn.placement.get(
            '/resource_providers/%s/traits' % providers[0]['uuid'],
            headers={'OpenStack-API-Version': 'placement 1.6'}).json()
        return sorted(t for t in traits['traits']
                      if t.startswith('CUSTOM_AEROSPIKE_STORAGE_'))

    def readme_flavor(self, storage, ram=1024, vcpus=1, disk=1):
        """A flavor made with the README's own command, trait included.

        ``openstack --os-compute-api-version 2.86 flavor create ...
        --property aerospike:storage=<storage> --property
        trait:<its trait>=required`` (no NVMe device requested).
        """
        name = self.unique('aerospike.%s' % storage.replace(',', '-'))
        self.openstack('--os-compute-api-version', '2.86', 'flavor',
                       'create', '--vcpus', str(vcpus), '--ram', str(ram),
                       '--disk', str(disk), '--property',
                       'aerospike:storage=%s' % storage, '--property',
                       'trait:%s=required' % storage_trait(storage), name,
                       '-f', 'value', '-c', 'id')
        self.addCleanup(self.openstack, 'flavor', 'delete', name,
                        check=False)
        return name


def storage_trait(storage):
    """The trait a flavor of these tiers requires, without NVMe devices.

    The admin guide's table: CUSTOM_AEROSPIKE_STORAGE_ and the tiers in
    the order nvme, lvm, raw; local without NVMe devices is lvm or raw.
    """
    tiers = ({'lvm', 'raw'} if storage == 'local'
             else set(storage.split(',')) - {'nvme'})
    return 'CUSTOM_AEROSPIKE_STORAGE_' + '_'.join(
        t.upper() for t in ('nvme', 'lvm', 'raw') if t in tiers)
