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

"""The real cloud keeps its secrets as an admin would: mode 600."""

import os
import stat

from tests.integration import base


class TestSecretFiles(base.RealCloudTestCase):

    def test_no_file_holding_a_secret_is_readable_by_others(self):
        with open(os.path.join(base.RC_DIR, 'etc', 'secrets')) as stream:
            secrets = [line.split('=', 1)[1].strip() for line in stream
                       if '=' in line]
        self.assertTrue(secrets)
        exposed, checked = [], 0
        for directory, _, files in os.walk(os.path.join(base.RC_DIR, 'etc')):
            for name in files:
                path = os.path.join(directory, name)
                if not os.path.isfile(path) or os.path.islink(path):
                    continue
                with open(path, errors='replace') as stream:
                    text = stream.read()
                if not any(secret in text for secret in secrets):
                    continue
                checked += 1
                if stat.S_IMODE(os.stat(path).st_mode) & 0o077:
                    exposed.append('%s (%o)' % (
                        path, stat.S_IMODE(os.stat(path).st_mode)))
        self.assertGreater(checked, 3)
        self.assertEqual([], exposed)
