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

"""The README's three installs, as printed, each into a fresh virtualenv.

From a clone (``pip install .``), a wheel built with ``python -m build``
and a git URL. The virtualenvs see this environment's packages (nova and
the plugin's dependencies: no index is needed), and each install is
checked by what nova loads: the filter, through the console script.
"""

import glob
import os
import subprocess
import sys
import sysconfig
import venv

import fixtures
import testtools

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


class TestInstall(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path
        # A clone of the committed tree: builds write into their source.
        self.clone = os.path.join(self.tmp, 'clone')
        self.sh(['git', 'clone', '-q', ROOT, self.clone])

    def sh(self, argv, cwd=None, env=None):
        # Not in this source tree: python -c would import it from there.
        result = subprocess.run(argv, cwd=cwd or self.tmp,
                                capture_output=True,
                                text=True, timeout=600,
                                env=dict(os.environ, **(env or {})))
        self.assertEqual(0, result.returncode,
                         (argv, result.stdout[-2000:], result.stderr[-2000:]))
        return result

    def venv(self, name):
        """A virtualenv that sees this one's packages after its own."""
        path = os.path.join(self.tmp, name)
        venv.EnvBuilder(with_pip=False).create(path)
        site = sysconfig.get_path('purelib', vars={'base': path})
        with open(os.path.join(site, 'test-deps.pth'), 'w') as stream:
            # A plain path: its own .pth files (this environment's
            # editable install of the plugin) are not read.
            stream.write(sysconfig.get_path('purelib') + '\n')
        return path

    def pip_install(self, env, what, cwd=None):
        # This environment's pip, into the new one; no index, no
        # dependencies: they are this environment's. This environment's
        # own (editable) install of the same version shows through the
        # .pth file: --ignore-installed, or pip would call it satisfied
        # and install nothing.
        self.sh([sys.executable, '-m', 'pip', '--python',
                 os.path.join(env, 'bin', 'python'), 'install', '-q',
                 '--no-deps', '--no-build-isolation', '--no-index',
                 '--ignore-installed', what],
                cwd=cwd)

    def assertInstalled(self, env):
        located = self.sh([
            os.path.join(env, 'bin', 'python'), '-c',
            'import aerospike_filters, sys; '
            'from aerospike_filters.scheduler import storage_filter; '
            'sys.stdout.write(aerospike_filters.__file__)']).stdout
        self.assertTrue(located.startswith(env), located)
        result = self.sh([os.path.join(env, 'bin', 'aerospike-filters'),
                          'explain', '--snapshot', '-f', 'value', '-c',
                          'Host'])
        self.assertIn('compute-lvm-1', result.stdout)

    def test_from_a_clone(self):
        env = self.venv('clone-env')
        self.pip_install(env, '.', cwd=self.clone)
        self.assertInstalled(env)

    def test_from_a_wheel_you_build(self):
        self.sh([sys.executable, '-m', 'build', '--wheel', '--no-isolation',
                 '--outdir', 'dist', '.'], cwd=self.clone)
        wheels = glob.glob(os.path.join(self.clone, 'dist',
                                        'aerospike_filters-*.whl'))
        self.assertEqual(1, len(wheels), wheels)
        env = self.venv('wheel-env')
        self.pip_install(env, wheels[0])
        self.assertInstalled(env)

    def test_from_a_git_url(self):
        env = self.venv('git-env')
        self.pip_install(env, 'git+file://%s' % self.clone)
        self.assertInstalled(env)
