/**
 * Opening the camera and microphone: 1280×720 where the device offers it
 * (ideal constraints, so a smaller camera gives its best), and a plain
 * request if a device refuses even that.
 */
import { CAMERA_CONSTRAINTS } from './encodings.js';

export async function openCamera(
  devices: Pick<MediaDevices, 'getUserMedia'>,
  audio: MediaTrackConstraints,
): Promise<MediaStream> {
  try {
    return await devices.getUserMedia({ audio, video: { ...CAMERA_CONSTRAINTS } });
  } catch (error) {
    // Some drivers reject size or rate hints they cannot meet: ask for any camera.
    if ((error as Error).name !== 'OverconstrainedError') throw error;
    return devices.getUserMedia({ audio, video: true });
  }
}
