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

"""The kolla recipes of the deployment guide: lint and structure.

No container daemon runs here, so the images are not built: the
Containerfile is linted with hadolint and read, the kolla-build template
override rendered with jinja2 over a stand-in parent template.
"""

import os
import re
import subprocess

import jinja2
from oslotest import base

import tests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
KOLLA = os.path.join(ROOT, 'tools', 'kolla')
VENV_PIP = '/var/lib/kolla/venv/bin/pip install --no-cache-dir --no-deps'
#: Where the guide's recipes install from until the package is published.
GIT_URL = 'git+https://git.example.com/aerospike-filters.git@0.1.0'


def read(name):
    with open(os.path.join(KOLLA, name), encoding='utf-8') as stream:
        return stream.read()


class TestContainerfile(base.BaseTestCase):

    def test_hadolint_clean(self):
        hadolint = tests.executable(self, 'hadolint')
        result = subprocess.run(
            [hadolint, '--no-color', os.path.join(KOLLA, 'Containerfile')],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(0, result.returncode, result.stdout + result.stderr)

    def test_installs_the_wheel_into_kollas_venv_without_touching_nova(self):
        lines = [line for line in read('Containerfile').splitlines()
                 if line and not line.startswith('#')]
        self.assertEqual('ARG NOVA_IMAGE', lines[0].split('=')[0])
        self.assertEqual('FROM ${NOVA_IMAGE}', lines[1])
        run = ' '.join(line.rstrip('\\') for line in lines
                       if line.startswith(('RUN', '    ')))
        self.assertIn(VENV_PIP + ' "/tmp/${WHEEL}"', run)
        self.assertIn('import aerospike_filters.scheduler.storage_filter',
                      run)
        # Back to the image's own user, as kolla runs its services.
        self.assertEqual('USER nova', lines[-1])


class TestTemplateOverride(base.BaseTestCase):

    def test_renders_into_the_scheduler_and_api_images(self):
        parent = ('FROM base\n{% block nova_scheduler_footer %}'
                  '{% endblock %}\n{% block nova_api_footer %}'
                  '{% endblock %}\n')
        env = jinja2.Environment(loader=jinja2.DictLoader({
            'parent': parent, 'override': read('template-overrides.j2')}))
        text = env.get_template('override').render(parent_template='parent')
        self.assertEqual(2, len(re.findall(
            'RUN ' + re.escape(VENV_PIP) + ' ' + re.escape(GIT_URL) + '\n',
            text)), text)
        # Not on a public index yet: no bare name to install.
        self.assertNotIn(' aerospike-filters\n', text)

    def test_the_guide_shows_the_recipes_it_ships(self):
        with open(os.path.join(ROOT, 'doc', 'source', 'admin',
                               'deployment.rst'), encoding='utf-8') as f:
            guide = f.read()
        for block in re.findall(r'{% block (\w+) %}\n(RUN .*)\n',
                                read('template-overrides.j2')):
            self.assertIn('{%% block %s %%}\n    %s' % block, guide)
        self.assertIn('tools/kolla/Containerfile', guide)


class TestDocumentedUnits(base.BaseTestCase):
    """Every systemd service the guides give runs hardened."""

    def services(self):
        found = []
        for directory, _, files in os.walk(os.path.join(tests.TOP, 'doc')):
            for name in files:
                if not name.endswith('.rst'):
                    continue
                with open(os.path.join(directory, name)) as stream:
                    text = stream.read()
                for block in re.findall(
                        r'# /etc/systemd/system/(\S+\.service)\n(.*?)'
                        r'(?=\n    # /etc/|\n\S|\Z)', text, re.S):
                    found.append(block)
        return found

    def test_unprivileged_read_only_no_new_privileges(self):
        services = self.services()
        self.assertGreaterEqual(len(services), 2)
        for unit, text in services:
            self.assertRegex(text, r'\n    (User=(?!root)\w+|DynamicUser='
                                   r'yes)\n', unit)
            self.assertIn('\n    NoNewPrivileges=yes\n', text, unit)
            self.assertIn('\n    ProtectSystem=strict\n', text, unit)
            # A credential only through systemd's store, never inline.
            self.assertNotRegex(text, r'(?i)password|OS_PASSWORD', unit)
            if 'OS_C' in text:
                self.assertIn('LoadCredential=clouds.yaml:', text, unit)

    def test_no_unit_puts_a_credential_on_a_compute(self):
        for unit, text in self.services():
            if 'probe' in unit:
                self.assertNotIn('OS_CLOUD', text, unit)
                self.assertIn('PrivateNetwork=yes', text, unit)
