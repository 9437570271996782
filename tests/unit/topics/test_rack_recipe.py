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

"""The tenant guide's rack-id recipe, run verbatim on a meta_data.json."""

import json
import os
import subprocess
import sys

import fixtures
from oslotest import base

from aerospike_filters import rack_spread
from tests import TOP

GUIDE = os.path.join(TOP, 'doc', 'source', 'user', 'cluster.rst')
MARK = ':name: rack-id-recipe\n\n'
#: Stands in for the metadata service: copies $FAKE_MD to -o's file.
FAKE_CURL = '''#!/bin/sh
while [ $# -gt 0 ]; do
  case "$1" in -o) shift; cp "$FAKE_MD" "$1";; esac
  shift
done
'''
AEROSPIKE_CONF = '''service {
}
namespace test {
    replication-factor 2
    rack-id 9
}
namespace bar {
    storage-engine memory
}
'''


def recipe():
    with open(GUIDE) as stream:
        block = stream.read().split(MARK, 1)[1]
    lines = []
    for line in block.splitlines():
        if line and not line.startswith('   '):
            break
        lines.append(line[3:])
    return '\n'.join(lines).strip() + '\n'


class TestRecipe(base.BaseTestCase):

    def run_recipe(self, meta_data):
        tmp = self.useFixture(fixtures.TempDir()).path
        bindir = os.path.join(tmp, 'bin')
        os.mkdir(bindir)
        with open(os.path.join(bindir, 'curl'), 'w') as stream:
            stream.write(FAKE_CURL)
        os.chmod(os.path.join(bindir, 'curl'), 0o755)
        os.symlink(sys.executable, os.path.join(bindir, 'python3'))
        paths = {name: os.path.join(tmp, name)
                 for name in ('recipe.sh', 'md.json', 'aerospike.conf')}
        with open(paths['recipe.sh'], 'w') as stream:
            stream.write(recipe())
        with open(paths['md.json'], 'w') as stream:
            json.dump(meta_data, stream)
        with open(paths['aerospike.conf'], 'w') as stream:
            stream.write(AEROSPIKE_CONF)
        env = dict(os.environ, PATH=bindir + os.pathsep + os.environ['PATH'],
                   FAKE_MD=paths['md.json'],
                   META_DATA=os.path.join(tmp, 'fetched.json'),
                   AEROSPIKE_CONF=paths['aerospike.conf'])
        done = subprocess.run(['sh', paths['recipe.sh']], env=env,
                              capture_output=True, text=True)
        with open(paths['aerospike.conf']) as stream:
            return done, stream.read()

    def test_zone(self):
        done, conf = self.run_recipe({
            'availability_zone': 'az2',
            'meta': {'aerospike_rack_ids': json.dumps(
                {'az1': 1, 'az2': 2, 'az3': 3})}})
        self.assertEqual(0, done.returncode, done.stderr)
        self.assertEqual(AEROSPIKE_CONF.replace(
            '    rack-id 9\n', '').replace(
            'namespace test {\n', 'namespace test {\n    rack-id 2\n').replace(
            'namespace bar {\n', 'namespace bar {\n    rack-id 2\n'), conf)

    def test_rack_label_wins_over_the_zone(self):
        done, conf = self.run_recipe({
            'availability_zone': 'nova',
            'meta': {rack_spread.RACK_METADATA_KEY: 'r3',
                     'aerospike_rack_ids': json.dumps({'r3': 1000000})}})
        self.assertEqual(0, done.returncode, done.stderr)
        self.assertEqual(2, conf.count('    rack-id 1000000\n'))

    def test_unmapped_rack_stops_in_one_line(self):
        for ids in ({'r1': 1}, {'r3': 0}, {'r3': '3'}):
            done, conf = self.run_recipe({
                'availability_zone': 'nova',
                'meta': {rack_spread.RACK_METADATA_KEY: 'r3',
                         'aerospike_rack_ids': json.dumps(ids)}})
            self.assertNotEqual(0, done.returncode)
            self.assertEqual(1, len(done.stderr.splitlines()), done.stderr)
            self.assertIn("rack 'r3' has no rack-id in aerospike_rack_ids",
                          done.stderr)
            self.assertEqual(AEROSPIKE_CONF, conf)
