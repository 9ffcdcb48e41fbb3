import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitOutputLocations, parseGarminDeviceXml, readGarminDeviceXml } from '../../../src/core/msc/garmin-device-xml.js';
import { SIM_STORE_KEY, type SimDeviceXml } from '../../../src/core/sim/msc-volume.js';
import { garminDeviceXml, WATCH_MODELS } from '../../../src/core/sim/watch-files.js';
import { simVolumes } from '../../helpers/msc-volumes.js';

const edge = WATCH_MODELS.edge530;

// The shape of a real fenix 3 / FR935 file (§4.4): DataType directly under MassStorageMode.
const FR935 = `<?xml version="1.0" encoding="UTF-8" standalone="no" ?>
<Device xmlns="http://www.garmin.com/xmlschemas/GarminDevice/v2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.garmin.com/xmlschemas/GarminDevice/v2 http://www.garmin.com/xmlschemas/GarminDevicev2.xsd">
  <Model><PartNumber>006-B2691-00</PartNumber><SoftwareVersion>2100</SoftwareVersion><Description>Forerunner 935</Description></Model>
  <Id>3327738592</Id>
  <DisplayName>My Watch</DisplayName>
  <MassStorageMode>
    <DataType><Name>FITBinary</Name><File><Specification><Identifier>http://www.garmin.com/xmlschemas/FIT</Identifier></Specification>
      <Location><Path>GARMIN</Path><BaseName>DEVICE</BaseName><FileExtension>FIT</FileExtension></Location><TransferDirection>OutputFromUnit</TransferDirection></File></DataType>
    <DataType><Name>FIT_TYPE_4</Name><File><Location><Path>GARMIN/ACTIVITY</Path><FileExtension>FIT</FileExtension></Location><TransferDirection>OutputFromUnit</TransferDirection></File></DataType>
    <DataType><Name>FIT_TYPE_11</Name><File><Location><Path>GARMIN/NEWFILES</Path><FileExtension>FIT</FileExtension></Location><TransferDirection>InputToUnit</TransferDirection></File></DataType>
    <DataType><Name>GPSData</Name><File><Location><Path>GARMIN\\NEWFILES</Path><FileExtension>GPX</FileExtension></Location><TransferDirection>InputToUnit</TransferDirection></File></DataType>
    <UpdateFile><PartNumber>006-B2691-00</PartNumber></UpdateFile>
  </MassStorageMode>
</Device>`;

describe('GarminDevice.xml', () => {
  it('reads model, part number, product id, firmware, unit id and data locations (real-file shape)', () => {
    const { device, reason } = parseGarminDeviceXml(FR935);
    expect(reason).toBeUndefined();
    expect(device).toMatchObject({ model: 'Forerunner 935', partNumber: '006-B2691-00', productId: 2691, softwareVersion: 2100, unitId: '3327738592', displayName: 'My Watch' });
    expect(device!.locations).toEqual([
      { dataType: 'FITBinary', fitType: 1, path: 'GARMIN', baseName: 'DEVICE', extension: 'FIT', direction: 'OutputFromUnit' },
      { dataType: 'FIT_TYPE_4', fitType: 4, path: 'GARMIN/ACTIVITY', extension: 'FIT', direction: 'OutputFromUnit' },
      { dataType: 'FIT_TYPE_11', fitType: 11, path: 'GARMIN/NEWFILES', extension: 'FIT', direction: 'InputToUnit' },
      { dataType: 'GPSData', path: 'GARMIN/NEWFILES', extension: 'GPX', direction: 'InputToUnit' },
    ]);
    expect(fitOutputLocations(device!).map((l) => l.path)).toEqual(['GARMIN', 'GARMIN/ACTIVITY']);
  });

  it('reads the simulator file (DataType wrapped in MassStorageLocation)', () => {
    const { device } = parseGarminDeviceXml(garminDeviceXml(edge));
    expect(device).toMatchObject({ model: 'Edge 530', partNumber: '006-B3121-00', productId: 3121, softwareVersion: 950, unitId: String(edge.serial) });
    expect(device!.locations.map((l) => [l.fitType, l.path])).toEqual([
      [4, 'GARMIN/Activities'],
      [15, 'GARMIN/Monitor'],
    ]);
  });

  it('reads an unknown future namespace with prefixed elements the same way', () => {
    const future = FR935.replace(/GarminDevice\/v2/g, 'GarminDevice/v7')
      .replace('xmlns=', 'xmlns:g=')
      .replace(/<(\/?)([A-Z]\w*)/g, '<$1g:$2');
    expect(future).toContain('<g:Id>');
    expect(parseGarminDeviceXml(future)).toEqual(parseGarminDeviceXml(FR935));
  });

  it('tolerates missing parts and ignores an Id that is not a decimal unit id', () => {
    expect(parseGarminDeviceXml('<Device><Model/></Device>')).toEqual({ device: { locations: [] } });
    expect(parseGarminDeviceXml('<Device><Id>../../etc</Id></Device>').device!.unitId).toBeUndefined();
    expect(parseGarminDeviceXml('<Device><Id>0042</Id></Device>').device!.unitId).toBe('42');
  });

  it('gives a reason, not an exception, for malformed or foreign documents', () => {
    expect(parseGarminDeviceXml('<Device><Id>1</Device>').reason).toMatch(/not well-formed XML \(InvalidTag at line 1\)/);
    expect(parseGarminDeviceXml('').reason).toBeDefined();
    expect(parseGarminDeviceXml('<TrainingCenterDatabase/>').reason).toMatch(/no <Device> root/);
  });

  describe('a file carrying a (dummy) Connect IQ StoreKey', () => {
    const sim = simVolumes();
    const file = (variant: SimDeviceXml) => {
      const v = sim({ deviceXml: variant });
      return v.pathOf(v.deviceXmlPath!);
    };

    it('parses the device but never copies the key into the result', async () => {
      const path = file('storekey');
      expect(readFileSync(path, 'utf8')).toContain(SIM_STORE_KEY);
      const result = await readGarminDeviceXml(path);
      expect(result.device?.unitId).toBe(String(edge.serial));
      expect(JSON.stringify(result)).not.toContain(SIM_STORE_KEY);
      expect(JSON.stringify(result)).not.toMatch(/StoreKey|Modulus/);
    });

    it('keeps the key out of the reason when the file is malformed', async () => {
      const path = file('malformed');
      expect(readFileSync(path, 'utf8')).toContain(SIM_STORE_KEY);
      const result = await readGarminDeviceXml(path);
      expect(result.device).toBeUndefined();
      expect(result.reason).toMatch(/not well-formed/);
      expect(result.reason).not.toContain(SIM_STORE_KEY);
    });

    it('reports a missing file as a reason', async () => {
      expect((await readGarminDeviceXml('/nonexistent/GarminDevice.xml')).reason).toMatch(/cannot be read \(ENOENT\)/);
    });
  });
});
