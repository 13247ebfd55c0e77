import { DateField, LIMITS, SlugField, TextField } from '../../shared/http/validators.js';
import type { EstablishTrackInput } from '../application/establish-track.command.js';
import type { RegisterAgencyInput } from '../application/register-agency.command.js';
import type { RegisterDelegateInput } from '../application/register-delegate.command.js';
import type { RegisterPartyInput } from '../application/register-party.command.js';

export class EstablishTrackDto implements EstablishTrackInput {
  @SlugField({ example: 'us-cn-seg' }) readonly trackId!: string;
  @TextField(LIMITS.name, { example: 'US–China Sino-American expert group' }) readonly name!: string;
  @TextField(LIMITS.reference, { optional: true, example: 'MoU 2025-11' }) readonly mandateRef?: string;
  @TextField(LIMITS.short, { optional: true, example: 'quarterly' }) readonly cadence?: string;
  @DateField({ description: 'The day the track was established' }) readonly effectiveOn!: string;
}

export class RegisterPartyDto implements RegisterPartyInput {
  @SlugField({ example: 'us' }) readonly partyId!: string;
  @TextField(LIMITS.name, { example: 'United States' }) readonly name!: string;
  @DateField() readonly effectiveOn!: string;
}

export class RegisterAgencyDto implements RegisterAgencyInput {
  @SlugField({ example: 'us-dos' }) readonly agencyId!: string;
  @SlugField({ example: 'us' }) readonly partyId!: string;
  @TextField(LIMITS.name, { example: 'Department of State' }) readonly name!: string;
  @DateField() readonly effectiveOn!: string;
}

export class RegisterDelegateDto implements RegisterDelegateInput {
  @SlugField({ example: 'us-del-1' }) readonly delegateId!: string;
  @SlugField({ example: 'us' }) readonly partyId!: string;
  @SlugField({ example: 'us-dos' }) readonly agencyId!: string;
  @TextField(LIMITS.name, { optional: true, example: 'head of delegation' }) readonly role?: string;
  @TextField(LIMITS.name, { optional: true, example: 'A. Smith' }) readonly name?: string;
  @DateField() readonly effectiveOn!: string;
}
