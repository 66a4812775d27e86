/** A sub-district organisation under a centre, set up through the API with its own clerk. */
import type { Api } from './evidenceHttp.js';

export const STREET_PASSWORD = 'Correct-Horse-Battery-42';

/** The centre's clerk sets it up and staffs it; resolves with its id and its clerk's token. */
export async function subDistrict(
  api: Api,
  centreClerk: string,
  centreId: string,
  clerkUsername: string,
): Promise<{ streetId: string; streetClerk: string }> {
  const streetId = (
    await api.ok<{ id: string }>('POST', '/organisations', centreClerk, {
      name: '某某街道劳动争议调解委员会',
      kind: 'street_town',
      parentId: centreId,
    })
  ).id;
  await api.ok('POST', '/staff', centreClerk, {
    ...{ username: clerkUsername, displayName: '街道书记员', role: 'clerk' },
    ...{ password: STREET_PASSWORD, organisationId: streetId },
  });
  return { streetId, streetClerk: await api.login(clerkUsername, STREET_PASSWORD) };
}
