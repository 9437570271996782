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

"""A fake host root tree for the probe: nova.conf, mountinfo, sysfs."""

import os

import fixtures

ROOT_MOUNT = '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n'
#: The host's mount table under --root (the host's first process's).
HOST_MOUNTINFO = '/proc/1/mountinfo'


class FakeHost(fixtures.Fixture):
    """A temporary directory laid out like a compute node's root."""

    def _setUp(self):
        self.root = self.useFixture(fixtures.TempDir()).path
        self.mountinfo = [ROOT_MOUNT]
        self.write(HOST_MOUNTINFO, ROOT_MOUNT)

    def path(self, host_path):
        return os.path.join(self.root, host_path.lstrip('/'))

    def write(self, host_path, text):
        path = self.path(host_path)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as stream:
            stream.write(text)
        return path

    def mkdir(self, host_path):
        os.makedirs(self.path(host_path), exist_ok=True)

    def symlink(self, target, host_path):
        os.makedirs(os.path.dirname(self.path(host_path)), exist_ok=True)
        os.symlink(target, self.path(host_path))

    def nova_conf(self, text, path='/etc/nova/nova.conf'):
        return self.write(path, text)

    def mount(self, point, fstype, source='server:/export'):
        self.mountinfo.append(
            '%d 22 0:%d / %s rw,relatime shared:%d - %s %s rw\n'
            % (30 + len(self.mountinfo), len(self.mountinfo),
               point.replace(' ', '\\040'), len(self.mountinfo), fstype,
               source))
        self.write(HOST_MOUNTINFO, ''.join(self.mountinfo))
        self.mkdir(point)

    def nvme(self, address, vendor='144d', product='a80a', driver='nvme',
             pci_class='0x010802'):
        """A PCI device as sysfs shows it: a link into /sys/devices."""
        real = '/sys/devices/pci0000:80/%s' % address
        self.write(real + '/class', pci_class + '\n')
        self.write(real + '/vendor', '0x%s\n' % vendor)
        self.write(real + '/device', '0x%s\n' % product)
        if driver:
            self.write('/sys/bus/pci/drivers/%s/.keep' % driver, '')
            os.symlink('../../../bus/pci/drivers/%s' % driver,
                       self.path(real + '/driver'))
        self.symlink('../../../devices/pci0000:80/%s' % address,
                     '/sys/bus/pci/devices/%s' % address)
