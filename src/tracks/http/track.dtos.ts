import { ApiSchema } from '@nestjs/swagger';
import { DateField, LIMITS, SlugField, TextField } from '../../shared/http/validators.js';
import type { EstablishTrackInput } from '../application/establish-track.command.js';
import type { RegisterAgencyInput } from '../application/register-agency.command.js';
import type { RegisterDelegateInput } from '../application/register-delegate.command.js';
import type { RegisterPartyInput } from '../application/register-party.command.js';

/*
 * The examples of every command body tell one story (test/e2e/openapi.e2e.spec.ts sends them in
 * order on an empty store): track us-cn-seg with parties us and cn, one agency and one delegate
 * each, session seg-2026-1 held on 2026-03-12, norm gge-13i, CBM cbm-hotline, topic
 * internet-governance. Where the story needs the same command for cn, the schema says so.
 */

export class EstablishTrackDto implements EstablishTrackInput {
  @SlugField({ example: 'us-cn-seg' }) readonly trackId!: string;
  @TextField(LIMITS.name, { example: 'US–China expert group on ICT security' }) readonly name!: string;
  @TextField(LIMITS.reference, { optional: true, example: 'MoU 2025-11' }) readonly mandateRef?: string;
  @TextField(LIMITS.short, { optional: true, example: 'quarterly' }) readonly cadence?: string;
  @DateField({ description: 'The day the track was established', example: '2026-01-15' }) readonly effectiveOn!: string;
}

@ApiSchema({ description: 'The example registers `us`; the examples of the other commands also need `cn`: `{"partyId": "cn", "name": "China", "effectiveOn": "2026-01-15"}`.' })
export class RegisterPartyDto implements RegisterPartyInput {
  @SlugField({ example: 'us' }) readonly partyId!: string;
  @TextField(LIMITS.name, { example: 'United States' }) readonly name!: string;
  @DateField({ example: '2026-01-15' }) readonly effectiveOn!: string;
}

@ApiSchema({ description: 'The example registers `us-dos`; the story also registers `{"agencyId": "cn-mfa", "partyId": "cn", "name": "Ministry of Foreign Affairs", "effectiveOn": "2026-01-15"}`.' })
export class RegisterAgencyDto implements RegisterAgencyInput {
  @SlugField({ example: 'us-dos' }) readonly agencyId!: string;
  @SlugField({ example: 'us' }) readonly partyId!: string;
  @TextField(LIMITS.name, { example: 'Department of State' }) readonly name!: string;
  @DateField({ example: '2026-01-15' }) readonly effectiveOn!: string;
}

@ApiSchema({
  description:
    'The example registers `us-del-1`, the delegate the attendance and position examples name; the story also registers ' +
    '`{"delegateId": "cn-del-1", "partyId": "cn", "agencyId": "cn-mfa", "role": "head of delegation", "name": "L. Wei", "effectiveOn": "2026-01-15"}`.',
})
export class RegisterDelegateDto implements RegisterDelegateInput {
  @SlugField({ example: 'us-del-1' }) readonly delegateId!: string;
  @SlugField({ example: 'us' }) readonly partyId!: string;
  @SlugField({ example: 'us-dos' }) readonly agencyId!: string;
  @TextField(LIMITS.name, { optional: true, example: 'head of delegation' }) readonly role?: string;
  @TextField(LIMITS.name, { optional: true, example: 'A. Smith' }) readonly name?: string;
  @DateField({ example: '2026-01-15' }) readonly effectiveOn!: string;
}
