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

"""The admin guide's table of nova.conf combinations, run by the probe."""

import itertools
import os
import re

from oslotest import base

from aerospike_filters.probe import report
from tests.unit.probe import fakehost

TABLE = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'doc',
                     'source', 'admin', 'guest-disk.rst')
ANY = {'use_cow_images': ('true', 'false'),
       'force_raw_images': ('true', 'false'),
       'preallocate_images': ('none', 'space')}
ADVICE = {'preallocate': 'preallocate_images = space',
          'noatime': 'noatime'}


def rows():
    """The table's rows as dicts keyed by its header."""
    lines = open(TABLE).read().splitlines()
    rules = [i for i, line in enumerate(lines)
             if line.startswith('===========  ')]
    starts = [m.start() for m in re.finditer('=+', lines[rules[0]])]

    def cells(line):
        return [line[a:b].strip() for a, b in
                zip(starts, starts[1:] + [None])]

    header = [cell.split()[0] for cell in cells(lines[rules[0] + 1])]
    return [dict(zip(header, cells(line)))
            for line in lines[rules[1] + 1:rules[2]]]


class TestTable(base.BaseTestCase):

    def probe(self, row, values, filesystem):
        host = self.useFixture(fakehost.FakeHost())
        host.mkdir('/var/lib/nova/instances')
        words = filesystem.split()
        options = 'rw,noatime' if 'noatime' in words else 'rw,relatime'
        host.write(fakehost.HOST_MOUNTINFO, fakehost.ROOT_MOUNT +
                   '30 22 0:40 / /var/lib/nova %s - %s /dev/sdb rw\n'
                   % (options, words[0]))
        conf = '[DEFAULT]\n' + ''.join(
            '%s = %s\n' % item for item in values.items()) + (
            '[libvirt]\nimages_type = %s\nimages_volume_group = nova\n'
            % row['images_type'])
        host.nova_conf(conf)
        return report.probe(root=host.root, nocow=lambda path: '+C' in words)

    def test_every_row(self):
        table = rows()
        self.assertGreater(len(table), 15)
        for row in table:
            choices = [[(key, value) for value in
                        (ANY[key] if row[key] == 'any' else (row[key],))]
                       for key in ANY]
            for values in itertools.product(*choices):
                result = self.probe(row, dict(values), row['filesystem'])
                said = (row, values, result)
                self.assertEqual(row['published'],
                                 result['ephemeral_backend'], said)
                expected = ([] if row['advice'] == '-' else
                            [ADVICE[word.strip()] for word in
                             row['advice'].split(',')])
                self.assertEqual(len(expected), len(result['advice']), said)
                for fragment, text in zip(expected, result['advice']):
                    self.assertIn(fragment, text, said)
