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

"""The probe in a container sees the host's mounts, never its own.

Real mount and PID namespaces (``unshare``, root only): a "host" namespace
whose instances directory is a tmpfs, and in it a "container" with the
settings of the deployment guide (the host's PID namespace, the host's /
mounted recursively and read-only at /host) whose own view of that
directory is the disk below. The probe under ``--root /host`` must report
the host's tmpfs (unsuitable), never the container's disk (raw).
"""

import json
import os
import shlex
import shutil
import subprocess
import sys

import fixtures
from oslotest import base

from aerospike_filters.probe import mounts
from tests import TOP

#: The probe container's settings, as the deployment guide gives them.
GUIDE = os.path.join(TOP, 'doc', 'source', 'admin', 'deployment.rst')
PID_HOST = '--pid=host'
HOST_ROOT = '-v /:/host:ro,rslave'


class TestContainerView(base.BaseTestCase):

    def setUp(self):
        super().setUp()
        if os.geteuid() != 0 or not shutil.which('unshare'):
            self.skipTest('needs root and unshare(1) for mount namespaces')
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.instances = os.path.join(self.dir, 'instances')
        os.mkdir(self.instances)
        self.nova_conf = os.path.join(self.dir, 'nova.conf')
        with open(self.nova_conf, 'w') as stream:
            stream.write('[DEFAULT]\nhost = c1\ninstances_path = %s\n'
                         '[libvirt]\nimages_type = raw\n' % self.instances)

    def run_in_namespaces(self, recursive=True):
        """The probe's run in the container, as a CompletedProcess."""
        host_root = os.path.join(self.dir, 'host')
        os.mkdir(host_root)
        probe = ' '.join(shlex.quote(w) for w in [
            sys.executable, '-c',
            'import sys; from aerospike_filters.cmd import main; '
            'sys.exit(main.main(sys.argv[1:]))', 'probe',
            '--root', host_root, '--nova-conf', self.nova_conf])
        # The container (the guide's HOST_ROOT): its own mount namespace,
        # the host's / at /host, read-only and slave; in its own view the
        # instances directory is the disk (the host's tmpfs not there).
        container = ('mount %(bind)s / %(root)s && '
                     'mount --make-rslave %(root)s && '
                     'mount -o remount,bind,ro %(root)s && '
                     'umount %(inst)s && %(probe)s' % {
                         'bind': '--rbind' if recursive else '--bind',
                         'root': shlex.quote(host_root),
                         'inst': shlex.quote(self.instances),
                         'probe': probe})
        # The host: a mount and PID namespace of its own whose first
        # process keeps the instances directory on a tmpfs; the container
        # shares its PID namespace (the guide's PID_HOST).
        host = ('mount -t tmpfs tmpfs %s && '
                'unshare --mount --propagation slave sh -c %s'
                % (shlex.quote(self.instances), shlex.quote(container)))
        return subprocess.run(
            ['unshare', '--mount', '--propagation', 'private', '--pid',
             '--fork', '--mount-proc', 'sh', '-c', host],
            capture_output=True, text=True, timeout=120, cwd=self.dir)

    def test_the_guide_gives_the_settings_this_test_uses(self):
        with open(GUIDE, encoding='utf-8') as stream:
            guide = stream.read()
        self.assertIn(PID_HOST, guide)
        self.assertIn(HOST_ROOT, guide)
        self.assertIn('pid_mode: host', guide)
        self.assertIn(PID_HOST, mounts.CONTAINER_NEEDS)
        self.assertIn(HOST_ROOT, mounts.CONTAINER_NEEDS)

    def test_a_tmpfs_on_the_host_is_never_raw_from_a_container(self):
        result = self.run_in_namespaces()
        self.assertEqual(0, result.returncode, result.stderr)
        report = json.loads(result.stdout)
        self.assertEqual('misconfigured', report['ephemeral_backend'],
                         report)
        self.assertIn('a tmpfs filesystem, in memory', report['reasons'][0])

    def test_without_the_hosts_proc_it_fails_closed(self):
        """/ bound without its submounts: no /host/proc, one line."""
        result = self.run_in_namespaces(recursive=False)
        self.assertEqual(2, result.returncode, result.stderr)
        self.assertEqual('', result.stdout)
        self.assertEqual(1, len(result.stderr.splitlines()), result.stderr)
        self.assertIn("cannot read the host's mount table", result.stderr)
        self.assertIn(HOST_ROOT, result.stderr)
