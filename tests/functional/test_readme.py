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

"""The README's recipe, as printed, on an in-process cloud.

Its commands run verbatim (OpenStackClient's own command classes for the
``openstack`` lines); its example flavors must be exactly what ``flavor
create`` makes; and doctor, with the README's nova.conf lines, must find
nothing to say.
"""

import json
import os
import shlex

from tests.functional import base
from tests import TOP

README = os.path.join(TOP, 'README.rst')
SNIPPET = os.path.join(TOP, 'etc', 'nova.conf.aerospike-snippet')
EQUIVALENT = '# = '


def recipe():
    """(commands, {flavor name: equivalent aerospike-filters command}).

    The command lines of the README's install recipe, in order, with their
    continuation lines joined.
    """
    with open(README) as stream:
        text = stream.read()
    section = text[text.index('Describe the hosts'):
                   text.index('Extra specs and metadata')]
    commands, equivalents, current = [], {}, ''
    for raw in section.splitlines():
        if not raw.startswith('    '):
            continue
        line = raw.strip()
        if line.startswith(EQUIVALENT):
            command = line[len(EQUIVALENT):]
            equivalents[shlex.split(command)[3]] = command
            continue
        if not current and not line.startswith(('openstack ',
                                                'aerospike-filters ')):
            continue
        current += line.rstrip('\\').strip() + ' '
        if not line.endswith('\\'):
            commands.append(current.strip())
            current = ''
    return commands, equivalents


class TestReadmeRecipe(base.CloudTestCase):

    # The recipe runs on the scheduler's host, whose nova.conf holds the
    # README's lines.
    NOVA_CONF = SNIPPET

    def setUp(self):
        # The README's NVMe flavor needs a host whose drives tools see.
        self.flags(report_in_placement=True, group='pci')
        super().setUp()
        self.start_cloud({'compute-12': None, 'compute-7': (None, 2)})

    def test_recipe_flavors_and_a_content_doctor(self):
        commands, equivalents = recipe()
        self.assertEqual(['aerospike.local', 'aerospike.nvme'],
                         sorted(equivalents))
        for command in commands:
            if command.startswith('aerospike-filters doctor'):
                continue  # below, with the README's nova.conf lines
            self.run_printed(command)
            if command.startswith('openstack aggregate add host'):
                # A second host, with NVMe drives, described the same way.
                self.run_printed(command.replace('compute-12', 'compute-7'))
        specs = {f['name']: self.admin_api.get_extra_specs(f['id'])
                 for f in self.admin_api.get_flavors()}
        for name, command in equivalents.items():
            # The same flavor under another name, made by flavor create.
            args = [name + '-same' if word == name else word
                    for word in shlex.split(command)[1:]]
            status, out, err = self.run_cli(*args + ['-f', 'json'])
            self.assertEqual(0, status, err)
            self.assertEqual(specs[name], json.loads(out)['extra_specs'],
                             name)
        status, out, err = self.run_cli('doctor', '--config-file', SNIPPET,
                                        '-f', 'json')
        self.assertEqual(0, status, out + err)
        self.assertEqual([], json.loads(out))
